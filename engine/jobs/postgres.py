"""The job queue for a pool of worker hosts: our job records and events in PostgreSQL (the same
tables and statements as the embedded queue, ``engine.jobs.records``), brokered by Procrastinate.

Procrastinate decides which job a worker gets (``procrastinate_fetch_job_v2``: priority, then age,
``FOR UPDATE SKIP LOCKED`` so two hosts never take the same one), keeps its workers' heartbeats and
holds retries until their time. Ours stay what the bots and the API read: status, progress, events,
leases. Fairness between people is in the broker's priority: a job's is its kind's priority times
``SPREAD`` less the number of its owner's jobs already waiting, so one person's fifty jobs take turns
with another's first. Event wake-ups cross hosts by LISTEN/NOTIFY on ``voicebot_jobs``.

Procrastinate does not retry a job whose worker died; ``reap`` does, from our leases (run by every
worker every few seconds), handing the broker's job back with it.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import time
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from typing import Any

import psycopg
from procrastinate import PsycopgConnector
from procrastinate.jobs import Job, Status
from procrastinate.manager import JobManager
from procrastinate.schema import SchemaManager

from engine.jobs.queue import KINDS, Claim, JobSpec
from engine.jobs.records import RecordQueue
from storage.db import fetch_all, fetch_one
from storage.ids import iso, now

log = logging.getLogger("voicebot.jobs")
SPREAD = 1000  # broker priority = our priority × SPREAD − the owner's jobs already waiting
CHANNEL = "voicebot_jobs"
_SCHEMA_LOCK = 7_421_002  # pg_advisory_xact_lock: one host applies Procrastinate's schema
_TASK = "voicebot.job"  # the broker's name for our jobs; its worker loop is ours, not Procrastinate's


def _queue(kind: str, voice_id: str | None) -> str:
    """Speech is queued by voice (``speak/<voice>``), so a worker can leave a voice to another that
    has it loaded; the other kinds by kind."""
    return f"{kind}/{voice_id}" if kind == "speak" and voice_id else kind


@contextlib.asynccontextmanager
async def _told(what: str, job_id: str) -> AsyncIterator[None]:
    """Our record is committed; if the broker cannot be told now, ``_resync`` tells it later."""
    try:
        yield
    except Exception:
        log.warning(
            "job %s %s, but the broker was not told; the next reap resyncs", job_id, what, exc_info=True
        )


class PostgresQueue(RecordQueue):
    notifies = True  # LISTEN/NOTIFY: a watcher's poll is only a safety net

    def __init__(self, conn: Any, url: str, **options: Any) -> None:
        super().__init__(conn, **options)
        self._url = url
        self._connector: PsycopgConnector | None = None
        self._manager: JobManager | None = None
        self._listening: asyncio.Task | None = None
        self._workers: dict[str, int] = {}  # our worker id -> the broker's

    async def open(self) -> None:
        """Procrastinate's schema (once, under a lock), its connection pool, and the listener."""
        await self._conn.execute("SELECT pg_advisory_xact_lock(?)", (_SCHEMA_LOCK,), write=True)
        present = await fetch_one(self._conn, "SELECT to_regclass('procrastinate_jobs') IS NOT NULL")
        if not present[0]:
            await self._conn.executescript(SchemaManager.get_schema())
        await self._conn.commit()
        self._connector = PsycopgConnector(conninfo=self._url, min_size=1, max_size=4)
        await self._connector.open_async()
        self._manager = JobManager(self._connector)
        await self._resync(settled_s=0)
        self._listening = asyncio.create_task(self._listen())

    async def close(self) -> None:
        if self._listening is not None:
            self._listening.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._listening
        for broker_id in self._workers.values():
            with contextlib.suppress(Exception):
                await self.manager.unregister_worker(broker_id)
        if self._connector is not None:
            await self._connector.close_async()

    @property
    def manager(self) -> JobManager:
        assert self._manager is not None, "PostgresQueue.open() first"
        return self._manager

    # ---- the broker ----------------------------------------------------------------------------

    async def _fair_priority(self, job_id: str, owner_id: int, priority: int) -> int:
        row = await fetch_one(
            self._conn,
            "SELECT COUNT(*) FROM jobs WHERE owner_id = ? AND priority = ? AND status = 'queued' AND id != ?",
            (owner_id, priority, job_id),
        )
        return priority * SPREAD - min(int(row[0]), SPREAD - 1)

    async def _broker_submitted(self, job_id: str, spec: JobSpec) -> None:
        async with _told("queued", job_id):
            await self._defer(job_id, spec.owner_id, spec.kind, spec.priority, spec.voice_id)

    async def _defer(
        self, job_id: str, owner_id: int, kind: str, priority: int, voice_id: str | None
    ) -> None:
        fair = await self._fair_priority(job_id, owner_id, priority)
        job = Job(
            queue=_queue(kind, voice_id), priority=fair, lock=None, queueing_lock=None, task_name=_TASK,
            task_kwargs={"job": job_id},
        )  # fmt: skip
        deferred = await self.manager.defer_job_async(job)
        await self._conn.execute("UPDATE jobs SET broker_id = ? WHERE id = ?", (deferred.id, job_id))
        await self._notify(job_id)  # the workers woke at our commit, maybe before the broker had it
        await self._conn.commit()

    async def _resync(self, settled_s: float = 5.0) -> int:
        """Queued jobs the broker will not hand out — it never heard of them (copied from SQLite),
        or the word did not reach it (the database went away between our commit and its call) —
        handed to it again. Jobs changed in the last ``settled_s`` are left to the call under way;
        a duplicate is harmless: the second broker job finds ours taken and is dropped (``claim``)."""
        settled = iso(datetime.fromtimestamp(time.time() - settled_s, UTC))
        rows = await fetch_all(
            self._conn,
            "SELECT j.id, j.owner_id, j.kind, j.priority, j.voice_id FROM jobs j"
            " LEFT JOIN procrastinate_jobs p ON p.id = j.broker_id"
            " WHERE j.status = 'queued' AND j.updated_at < ? AND (p.id IS NULL OR p.status != 'todo')"
            " ORDER BY j.rowid",
            (settled,),
        )
        for row in rows:
            await self._defer(row["id"], row["owner_id"], row["kind"], row["priority"], row["voice_id"])
        return len(rows)

    async def _broker_requeued(self, job_id: str, not_before: float) -> None:
        """Back in the broker's queue, behind the other owners' waiting jobs of its priority (a job
        that yielded its turn must not take it straight back)."""
        async with _told("requeued", job_id):
            row = await fetch_one(
                self._conn, "SELECT owner_id, priority, broker_id FROM jobs WHERE id = ?", (job_id,)
            )
            if row is None or row["broker_id"] is None:
                return
            priority = await self._fair_priority(job_id, row["owner_id"], row["priority"]) - 1
            await self.manager.retry_job_by_id_async(
                row["broker_id"], retry_at=datetime.fromtimestamp(not_before, UTC), priority=priority
            )
            await self._notify(job_id)  # as in ``_defer``: the broker has it now
            await self._conn.commit()

    async def _broker_ended(self, job_id: str, status: str) -> None:
        async with _told("ended", job_id):
            await self._end(job_id, status)

    async def _end(self, job_id: str, status: str) -> None:
        row = await fetch_one(self._conn, "SELECT broker_id FROM jobs WHERE id = ?", (job_id,))
        if row is None or row["broker_id"] is None:
            return
        broker_id = row["broker_id"]
        if status == "cancelled" and await self.manager.cancel_job_by_id_async(broker_id, delete_job=True):
            return  # it was still waiting
        end = {"succeeded": Status.SUCCEEDED, "failed": Status.FAILED}.get(status, Status.ABORTED)
        try:
            await self.manager.finish_job_by_id_async(broker_id, end, delete_job=True)
        except psycopg.Error:  # already gone (a retry of the same ending)
            log.debug("broker job %s for %s already finished", broker_id, job_id)

    async def _notify(self, job_id: str) -> None:
        await self._conn.execute("SELECT pg_notify(?, ?)", (CHANNEL, job_id), write=True)

    async def _listen(self) -> None:
        """Wake this process's waiters when any host changes a job (NOTIFY at each commit)."""
        while True:
            try:
                async with await psycopg.AsyncConnection.connect(self._url, autocommit=True) as conn:
                    await conn.execute(f"LISTEN {CHANNEL}")
                    self._wake(None)  # anything missed while (re)connecting
                    async for note in conn.notifies():
                        self._wake(note.payload or None)
            except asyncio.CancelledError:
                raise
            except Exception:  # the server restarted: listen again
                log.warning("job notifications interrupted; reconnecting", exc_info=True)
                await asyncio.sleep(1.0)

    # ---- workers -------------------------------------------------------------------------------

    async def _broker_worker(self, worker_id: str) -> int:
        if worker_id not in self._workers:
            self._workers[worker_id] = await self.manager.register_worker()
        return self._workers[worker_id]

    async def register_worker(
        self, worker_id: str, kinds: tuple[str, ...], voices: tuple[str, ...] = ()
    ) -> None:
        await super().register_worker(worker_id, kinds, voices)
        await self.manager.update_heartbeat(await self._broker_worker(worker_id))

    async def unregister_worker(self, worker_id: str) -> None:
        await super().unregister_worker(worker_id)
        if (broker_id := self._workers.pop(worker_id, None)) is not None:
            await self.manager.unregister_worker(broker_id)

    async def claim(self, worker_id: str, kinds: tuple[str, ...], lease_s: float) -> Claim | None:
        """The broker's next job for these kinds, made ours (running, leased to this worker)."""
        broker_worker = await self._broker_worker(worker_id)
        while True:
            queues = await self._queues(worker_id, kinds)  # None: every queue
            if queues == []:
                return None
            job = await self.manager.fetch_job(queues=queues, worker_id=broker_worker)
            if job is None:
                return None
            stamp = time.time()
            row = await fetch_one(
                self._conn,
                "UPDATE jobs SET status = 'running', worker_id = ?, lease_until = ?, attempts = attempts + 1,"
                " broker_id = ?, started_at = COALESCE(started_at, ?), updated_at = ?"
                " WHERE id = ? AND status = 'queued'"
                " RETURNING id, owner_id, kind, voice_id, payload, attempts, max_tries, checkpoint",
                (worker_id, stamp + lease_s, job.id, stamp, iso(now()), job.task_kwargs["job"]),
            )
            if row is None:  # cancelled (or gone) while the broker still held it
                await self._conn.commit()
                await self.manager.finish_job_by_id_async(job.id, Status.ABORTED, delete_job=True)
                continue
            await self._event(row["id"], "started", {"attempt": row["attempts"], "worker": worker_id})
            await self._conn.commit()
            return Claim(
                row["id"], row["owner_id"], row["kind"], row["voice_id"], json.loads(row["payload"]),
                row["attempts"], row["max_tries"],
                json.loads(row["checkpoint"]) if row["checkpoint"] else None,
            )  # fmt: skip

    async def _queues(self, worker_id: str, kinds: tuple[str, ...]) -> list[str] | None:
        """The broker queues this worker may take from (None: all): its kinds, speech by voice —
        less the voices loaded on another worker with a free slot whose waiting jobs are all new
        (``warm_s``)."""
        queues = [kind for kind in kinds if kind != "speak"]
        if "speak" not in kinds:
            return queues
        held, since = await self._warm_elsewhere(worker_id)
        if not held and set(kinds) >= set(KINDS):
            return None  # the common case: one query, no listing
        rows = await fetch_all(
            self._conn,
            "SELECT DISTINCT queue_name FROM procrastinate_jobs WHERE status = 'todo'"
            " AND (queue_name = 'speak' OR queue_name LIKE 'speak/%')",
        )
        speech = {row["queue_name"] for row in rows}
        if held and speech:
            marked = ", ".join("?" * len(held))
            waited = await fetch_all(  # a job that has waited long enough goes to anyone
                self._conn,
                "SELECT DISTINCT voice_id FROM jobs WHERE status = 'queued' AND kind = 'speak'"
                f" AND voice_id IN ({marked}) AND updated_at <= ?",
                (*held, since),
            )
            speech -= {_queue("speak", v) for v in set(held) - {row["voice_id"] for row in waited}}
        return queues + sorted(speech)

    async def reap(self) -> int:
        """Our expired leases (``RecordQueue.reap``, which hands their broker jobs back), queued
        jobs the broker lost track of, and the broker's workers that stopped beating."""
        requeued = await super().reap()
        await self._resync()
        await self.manager.prune_stalled_workers(seconds_since_heartbeat=max(30.0, self.worker_stale_s * 2))
        return requeued
