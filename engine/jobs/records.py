"""Our job records and their events, kept the same way by both queues (``engine.jobs.sqlite``, the
embedded one, and ``engine.jobs.postgres``, brokered by Procrastinate): one copy of portable SQL
over storage's connection (SQLite or PostgreSQL).

Writes by a worker are guarded by ``worker_id`` and ``status = 'running'``: a worker that lost its
lease (it stalled and the job went to another) can no longer change the job. Which job a worker
gets is the implementation's ``claim``; what a broker must hear of (a job queued, requeued, ended)
comes to the ``_broker_*`` hooks, which do nothing here.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import socket
import time
from datetime import UTC, datetime
from typing import Any

from engine.jobs.queue import KINDS, WARM_S, Event, JobSpec, JobState, QueueError
from storage.db import fetch_all, fetch_one
from storage.ids import iso, new_id, now

_STATE_COLUMNS = (
    "id, owner_id, kind, voice_id, status, priority, current_step, percent, attempts, max_tries, error,"
    " error_code, result, created_at, started_at, finished_at, delivered_at, reply_to, rowid"
)
_GUARD = "id = ? AND worker_id = ? AND status = 'running'"
UNSEEN_KEPT = 4096  # changes remembered for watchers between their read and their wait
MAX_LEASE_S = 600.0  # the longest lease a worker takes (engine.lease_s is capped there)
WARM_READ_S = 1.0  # how stale the workers' loaded-voice reports may be when a claim reads them


def _stripped(payload: str | None) -> str:
    """The request text is user content: gone from the job once it has ended."""
    data = json.loads(payload or "{}")
    return json.dumps({k: v for k, v in data.items() if k not in ("text", "texts")})


class RecordQueue:
    notifies = False  # whether a change wakes waiters in other processes (else they poll)

    def __init__(
        self,
        conn: Any,
        *,
        max_queued_per_owner: int = 20,
        backoff_s: float = 2.0,
        max_backoff_s: float = 60.0,
        worker_stale_s: float = 15.0,
        warm_s: float = WARM_S,
    ) -> None:
        self._conn = conn
        self.max_queued_per_owner = max_queued_per_owner
        self.backoff_s = backoff_s
        self.max_backoff_s = max_backoff_s
        self.worker_stale_s = worker_stale_s
        self.warm_s = warm_s
        self._change = asyncio.Event()  # replaced on every change; waiters hold the old one
        self._warm_read: tuple[float, list[tuple[str, list[str]]]] = (0.0, [])  # (when, reports)
        self._watched: dict[str, asyncio.Event] = {}  # job id -> its watchers' event, until it changes
        self._unseen: dict[str, None] = {}  # jobs changed while nobody waited on them, oldest first

    # ---- callers -------------------------------------------------------------------------------

    async def submit(self, spec: JobSpec) -> JobState:
        if spec.kind not in KINDS:
            raise QueueError("invalid_request", f"unknown job kind {spec.kind!r}")
        if spec.idempotency_key is not None:
            existing = await self.find(spec.owner_id, spec.idempotency_key)
            if existing is not None:
                return existing
        job_id, stamp = new_id("job"), iso(now())
        cur = await self._conn.execute(
            "INSERT INTO jobs (id, owner_id, kind, voice_id, priority, idempotency_key, payload, max_tries,"
            " reply_to, created_at, updated_at) SELECT ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?"
            " WHERE (SELECT COUNT(*) FROM jobs WHERE owner_id = ? AND status IN ('queued', 'running')"
            " AND kind != 'check') < ?"
            " ON CONFLICT (owner_id, idempotency_key) DO NOTHING",
            (
                job_id,
                spec.owner_id,
                spec.kind,
                spec.voice_id,
                spec.priority,
                spec.idempotency_key,
                json.dumps(spec.payload),
                spec.max_tries,
                json.dumps(spec.reply_to) if spec.reply_to is not None else None,
                stamp,
                stamp,
                spec.owner_id,
                self.max_queued_per_owner,
            ),
        )
        if cur.rowcount == 1:
            await self._event(job_id, "queued", {})
        await self._conn.commit()
        if cur.rowcount == 1:
            await self._broker_submitted(job_id, spec)
            state = await self.get(spec.owner_id, job_id)
        elif spec.idempotency_key is not None and (
            state := await self.find(spec.owner_id, spec.idempotency_key)
        ):
            pass  # submitted by a concurrent retry of the same request
        else:
            raise QueueError(
                "queue_full",
                f"You already have {self.max_queued_per_owner} jobs waiting or running; "
                "wait for some to finish or cancel one.",
            )
        assert state is not None
        return state

    async def get(self, owner_id: int, job_id: str) -> JobState | None:
        row = await fetch_one(
            self._conn, f"SELECT {_STATE_COLUMNS} FROM jobs WHERE id = ? AND owner_id = ?", (job_id, owner_id)
        )
        return await self._state(row) if row else None

    async def events(self, job_id: str, after: int = 0) -> list[Event]:
        rows = await fetch_all(
            self._conn,
            "SELECT seq, type, data FROM job_events WHERE job_id = ? AND seq > ? ORDER BY seq",
            (job_id, after),
        )
        return [Event(r["seq"], r["type"], json.loads(r["data"]) if r["data"] else {}) for r in rows]

    async def cancel(self, owner_id: int, job_id: str) -> JobState:
        """Queued: cancelled now. Running: asked to stop at its next step boundary."""
        stamp = time.time()
        held = await fetch_one(
            self._conn, "SELECT payload FROM jobs WHERE id = ? AND owner_id = ?", (job_id, owner_id)
        )
        cur = await self._conn.execute(
            "UPDATE jobs SET status = 'cancelled', finished_at = ?, payload = ?, updated_at = ?"
            " WHERE id = ? AND owner_id = ? AND status = 'queued'",
            (stamp, _stripped(held["payload"] if held else None), iso(now()), job_id, owner_id),
        )
        if cur.rowcount:
            await self._event(job_id, "cancelled", {})
            await self._conn.commit()
            await self._broker_ended(job_id, "cancelled")
        else:
            await self._conn.execute(
                "UPDATE jobs SET cancel_requested = 1 WHERE id = ? AND owner_id = ? AND status = 'running'",
                (job_id, owner_id),
            )
        await self._conn.commit()
        state = await self.get(owner_id, job_id)
        if state is None:
            raise QueueError("not_found", "No such job among yours.")
        if state.status in ("succeeded", "failed"):
            raise QueueError("already_finished", f"That job has already {state.status}.")
        return state

    async def mark_delivered(self, owner_id: int, job_id: str) -> bool:
        """True only for the first caller: a restarted bot does not deliver a result twice."""
        cur = await self._conn.execute(
            "UPDATE jobs SET delivered_at = ? WHERE id = ? AND owner_id = ? AND delivered_at IS NULL"
            " AND status IN ('succeeded', 'failed', 'cancelled')",
            (time.time(), job_id, owner_id),
        )
        await self._conn.commit()
        return cur.rowcount == 1

    async def submitted_since(self, owner_id: int, kind: str, since: str) -> int:
        """How many ``kind`` jobs the owner submitted since an ISO time (for quotas)."""
        row = await fetch_one(
            self._conn,
            "SELECT COUNT(*) FROM jobs WHERE owner_id = ? AND kind = ? AND created_at >= ?",
            (owner_id, kind, since),
        )
        return int(row[0])

    async def awaiting_delivery(self, platform: str) -> list[JobState]:
        """Jobs, running or ended, whose outcome a chat of ``platform`` has not been given yet."""
        rows = await fetch_all(
            self._conn,
            f"SELECT {_STATE_COLUMNS} FROM jobs WHERE delivered_at IS NULL AND reply_to IS NOT NULL"
            " ORDER BY rowid",
        )
        ours = [r for r in rows if json.loads(r["reply_to"]).get("platform") == platform]
        return [await self._state(r) for r in ours]

    async def live_workers(self) -> int:
        row = await fetch_one(
            self._conn,
            "SELECT COUNT(*) FROM workers WHERE heartbeat_at > ?",
            (time.time() - self.worker_stale_s,),
        )
        return int(row[0])

    async def purge_finished(self, before: float) -> list[tuple[int, str]]:
        """Forget jobs that ended before ``before`` (Unix time), with their events; returns
        (owner, job id) of each so the caller removes the job's files."""
        rows = await fetch_all(
            self._conn,
            "DELETE FROM jobs WHERE status IN ('succeeded', 'failed', 'cancelled') AND finished_at < ?"
            " RETURNING owner_id, id",
            (before,),
        )
        await self._conn.commit()
        return [(r["owner_id"], r["id"]) for r in rows]

    # ---- workers -------------------------------------------------------------------------------

    async def register_worker(
        self, worker_id: str, kinds: tuple[str, ...], voices: tuple[str, ...] = ()
    ) -> None:
        """Also the worker's heartbeat: call it again every few seconds, and when ``voices`` (those
        it has loaded and a free speech slot for) change."""
        stamp = time.time()
        await self._conn.execute(
            "INSERT INTO workers (id, pid, host, kinds, voices, started_at, heartbeat_at)"
            " VALUES (?, ?, ?, ?, ?, ?, ?)"
            " ON CONFLICT (id) DO UPDATE SET heartbeat_at = excluded.heartbeat_at, voices = excluded.voices",
            (worker_id, os.getpid(), socket.gethostname(), ",".join(kinds), json.dumps(voices), stamp, stamp),
        )
        await self._conn.commit()
        self._warm_read = (0.0, [])  # this process's own report is read at once

    async def _warm_elsewhere(self, worker_id: str) -> tuple[list[str], str]:
        """Voices another live worker has loaded and could speak now, but not this one; and the
        moment (our ``updated_at`` text) after which a waiting speech job in them is left to it.
        The workers' reports are read at most every ``WARM_READ_S`` (they are heartbeats)."""
        stamp = time.time()
        if stamp - self._warm_read[0] >= WARM_READ_S:
            rows = await fetch_all(
                self._conn,
                "SELECT id, voices FROM workers WHERE heartbeat_at > ? AND voices != '[]'",
                (stamp - self.worker_stale_s,),
            )
            self._warm_read = (stamp, [(r["id"], json.loads(r["voices"])) for r in rows])
        reports = self._warm_read[1]
        mine = {v for wid, voices in reports if wid == worker_id for v in voices}
        theirs = {v for wid, voices in reports if wid != worker_id for v in voices}
        return sorted(theirs - mine), iso(datetime.fromtimestamp(stamp - self.warm_s, UTC))

    async def unregister_worker(self, worker_id: str) -> None:
        await self._conn.execute("DELETE FROM workers WHERE id = ?", (worker_id,))
        await self._conn.commit()

    async def reap(self) -> int:
        """Requeue (or fail, when out of tries) running jobs whose worker stopped renewing the lease."""
        stamp = time.time()
        await self._unfuture(stamp)
        rows = await fetch_all(
            self._conn,
            "UPDATE jobs SET status = CASE WHEN cancel_requested = 1 THEN 'cancelled'"
            " WHEN attempts >= max_tries THEN 'failed' ELSE 'queued' END,"
            " error = CASE WHEN attempts >= max_tries AND cancel_requested = 0"
            " THEN 'The engine stopped while working on this job, ' || attempts || ' times; giving up.'"
            " ELSE error END,"
            " error_code = CASE WHEN attempts >= max_tries THEN 'worker_lost' ELSE error_code END,"
            " finished_at = CASE WHEN attempts >= max_tries OR cancel_requested = 1 THEN ? END,"
            " worker_id = NULL, lease_until = NULL, not_before = ?, updated_at = ?"
            " WHERE status = 'running' AND lease_until < ? RETURNING id, status, error, error_code",
            (stamp, stamp + self.backoff_s, iso(now()), stamp),
        )
        for row in rows:
            if row["status"] == "queued":
                await self._event(row["id"], "requeued", {"reason": "worker lost"})
            elif row["status"] == "cancelled":
                await self._event(row["id"], "cancelled", {})
            else:
                await self._event(row["id"], "failed", {"code": row["error_code"], "message": row["error"]})
        await self._conn.commit()
        for row in rows:
            if row["status"] == "queued":
                await self._broker_requeued(row["id"], stamp + self.backoff_s)
            else:
                await self._broker_ended(row["id"], row["status"])
        return len(rows)

    async def _unfuture(self, stamp: float) -> None:
        """After the clock was set back, leases, backoffs and heartbeats written before lie in the
        future: none may be further ahead than it could have been written, or a dead worker's job
        (or a retry) would wait as long as the clock jumped."""
        lease, backoff = stamp + MAX_LEASE_S, stamp + max(self.max_backoff_s, self.backoff_s)
        await self._conn.execute(
            "UPDATE jobs SET lease_until = ? WHERE status = 'running' AND lease_until > ?", (lease, lease)
        )
        await self._conn.execute(
            "UPDATE jobs SET not_before = ? WHERE status = 'queued' AND not_before > ?", (backoff, backoff)
        )
        await self._conn.execute("UPDATE workers SET heartbeat_at = ? WHERE heartbeat_at > ?", (stamp, stamp))

    async def contended(self, job_id: str) -> bool:
        """Another owner has a job ready at this job's priority or above (so this one should yield)."""
        row = await fetch_one(
            self._conn,
            "SELECT EXISTS (SELECT 1 FROM jobs j, jobs me WHERE me.id = ? AND j.status = 'queued'"
            " AND j.not_before <= ? AND j.priority >= me.priority AND j.owner_id != me.owner_id)",
            (job_id, time.time()),
        )
        return bool(row[0])

    async def cancel_requested(self, job_id: str) -> bool:
        row = await fetch_one(self._conn, "SELECT cancel_requested FROM jobs WHERE id = ?", (job_id,))
        return bool(row and row[0])

    async def heartbeat(self, job_id: str, worker_id: str, lease_s: float) -> str:
        """'ok', 'cancel' (the owner asked to stop) or 'lost' (the job is no longer this worker's)."""
        row = await fetch_one(
            self._conn,
            f"UPDATE jobs SET lease_until = ? WHERE {_GUARD} RETURNING cancel_requested",
            (time.time() + lease_s, job_id, worker_id),
        )
        await self._conn.commit()
        if row is None:
            return "lost"
        return "cancel" if row[0] else "ok"

    async def progress(self, job_id: str, worker_id: str, step: str, percent: float) -> bool:
        cur = await self._conn.execute(
            f"UPDATE jobs SET current_step = ?, percent = ?, updated_at = ? WHERE {_GUARD}",
            (step, percent, iso(now()), job_id, worker_id),
        )
        if cur.rowcount:
            await self._event(job_id, "progress", {"step": step, "percent": round(percent, 1)})
        await self._conn.commit()
        return cur.rowcount == 1

    async def save_checkpoint(self, job_id: str, worker_id: str, checkpoint: dict[str, Any]) -> bool:
        """Where a running job could resume, kept now: a worker killed later loses only what came
        after it."""
        cur = await self._conn.execute(
            f"UPDATE jobs SET checkpoint = ? WHERE {_GUARD}", (json.dumps(checkpoint), job_id, worker_id)
        )
        await self._conn.commit()
        return cur.rowcount == 1

    async def emit(self, job_id: str, worker_id: str, type: str, data: dict[str, Any]) -> bool:
        held = await fetch_one(self._conn, f"SELECT 1 FROM jobs WHERE {_GUARD}", (job_id, worker_id))
        if held is None:
            return False
        await self._event(job_id, type, data)
        await self._conn.commit()
        return True

    async def complete(self, job_id: str, worker_id: str, result: dict[str, Any]) -> bool:
        return await self._finish(
            job_id,
            worker_id,
            "status = 'succeeded', result = ?, current_step = 'done', percent = 100",
            (json.dumps(result),),
            "done",
            {"result": result},
        )

    async def fail(
        self,
        job_id: str,
        worker_id: str,
        code: str,
        message: str,
        retry: bool,
        detail: dict[str, Any] | None = None,
    ) -> bool:
        """``detail`` (``key`` and ``values``) goes with the failed event, for the person's language."""
        row = await fetch_one(
            self._conn, f"SELECT attempts, max_tries FROM jobs WHERE {_GUARD}", (job_id, worker_id)
        )
        if row is None:
            return False
        if retry and row["attempts"] < row["max_tries"]:
            delay = min(self.max_backoff_s, self.backoff_s * 2 ** (row["attempts"] - 1))
            await self._conn.execute(
                "UPDATE jobs SET status = 'queued', worker_id = NULL, lease_until = NULL, not_before = ?,"
                " error = ?, error_code = ?, updated_at = ? WHERE id = ?",
                (time.time() + delay, message, code, iso(now()), job_id),
            )
            await self._event(job_id, "requeued", {"reason": message, "retryInSeconds": round(delay, 1)})
            await self._conn.commit()
            await self._broker_requeued(job_id, time.time() + delay)
            return True
        return await self._finish(
            job_id,
            worker_id,
            "status = 'failed', error = ?, error_code = ?",
            (message, code),
            "failed",
            {"code": code, "message": message, **(detail or {})},
        )

    async def release(
        self, job_id: str, worker_id: str, checkpoint: dict[str, Any] | None, reason: str = "worker stopping"
    ) -> bool:
        """Back to the queue without using up a try (the worker is stopping, or yields its turn)."""
        cur = await self._conn.execute(
            "UPDATE jobs SET status = 'queued', worker_id = NULL, lease_until = NULL,"
            f" attempts = attempts - 1, checkpoint = COALESCE(?, checkpoint), updated_at = ? WHERE {_GUARD}",
            (json.dumps(checkpoint) if checkpoint else None, iso(now()), job_id, worker_id),
        )
        if cur.rowcount:
            await self._event(job_id, "requeued", {"reason": reason})
        await self._conn.commit()
        if cur.rowcount:
            await self._broker_requeued(job_id, time.time())
        return cur.rowcount == 1

    async def mark_cancelled(self, job_id: str, worker_id: str) -> bool:
        return await self._finish(job_id, worker_id, "status = 'cancelled'", (), "cancelled", {})

    # ---- internals -----------------------------------------------------------------------------

    async def _finish(
        self, job_id: str, worker_id: str, sets: str, params: tuple, event: str, data: dict[str, Any]
    ) -> bool:
        held = await fetch_one(self._conn, f"SELECT payload FROM jobs WHERE {_GUARD}", (job_id, worker_id))
        if held is None:
            return False
        cur = await self._conn.execute(
            f"UPDATE jobs SET {sets}, worker_id = NULL, lease_until = NULL, finished_at = ?,"
            f" payload = ?, updated_at = ? WHERE {_GUARD}",
            (*params, time.time(), _stripped(held["payload"]), iso(now()), job_id, worker_id),
        )
        if cur.rowcount:
            await self._event(job_id, event, data)
        await self._conn.commit()
        if cur.rowcount:
            await self._broker_ended(job_id, {"done": "succeeded"}.get(event, event))
        return cur.rowcount == 1

    async def _event(self, job_id: str, type: str, data: dict[str, Any]) -> None:
        """Appended inside the caller's transaction; the caller commits. Wakes this process's
        waiters (they read through the same connection, so they see it before the commit)."""
        await self._conn.execute(
            "INSERT INTO job_events (job_id, seq, type, data, created_at)"
            " SELECT ?, COALESCE(MAX(seq), 0) + 1, ?, ?, ? FROM job_events WHERE job_id = ?",
            (job_id, type, json.dumps(data) if data else None, time.time(), job_id),
        )
        await self._notify(job_id)
        self._wake(job_id)

    def _wake(self, job_id: str | None) -> None:
        """Every waiter on any change, and those waiting on ``job_id`` (None: on some job). A change
        of a job nobody waits on right now is remembered a while: its watcher may be between its
        read and its wait."""
        woken, self._change = self._change, asyncio.Event()
        woken.set()
        if job_id is None:
            for watched in self._watched.values():
                watched.set()
            self._watched.clear()
        elif (watched := self._watched.pop(job_id, None)) is not None:
            watched.set()
        else:
            self._unseen[job_id] = None
            while len(self._unseen) > UNSEEN_KEPT:
                self._unseen.pop(next(iter(self._unseen)))

    async def changed(self, within: float, job_id: str | None = None) -> None:
        """Until a job changes (``job_id``: that job — a bot host watching many jobs wakes only
        the watcher concerned) or ``within`` seconds pass."""
        if job_id is not None and self._unseen.pop(job_id, False) is None:
            return  # it changed since this watcher last looked
        change = self._change if job_id is None else self._watched.setdefault(job_id, asyncio.Event())
        with contextlib.suppress(TimeoutError):
            async with asyncio.timeout(within):
                await change.wait()

    async def find(self, owner_id: int, key: str) -> JobState | None:
        row = await fetch_one(
            self._conn,
            f"SELECT {_STATE_COLUMNS} FROM jobs WHERE owner_id = ? AND idempotency_key = ?",
            (owner_id, key),
        )
        return await self._state(row) if row else None

    async def active(self, owner_id: int, limit: int = 100) -> list[JobState]:
        """The owner's queued and running jobs, oldest first (at most ``limit``)."""
        rows = await fetch_all(
            self._conn,
            f"SELECT {_STATE_COLUMNS} FROM jobs WHERE owner_id = ? AND status IN ('queued', 'running')"
            " ORDER BY rowid LIMIT ?",
            (owner_id, limit),
        )
        return [await self._state(r) for r in rows]

    async def voice_jobs(self, owner_id: int, voice_id: str) -> list[str]:
        rows = await fetch_all(
            self._conn, "SELECT id FROM jobs WHERE owner_id = ? AND voice_id = ?", (owner_id, voice_id)
        )
        return [row["id"] for row in rows]

    async def latest_for_voice(self, owner_id: int, voice_id: str, kind: str) -> JobState | None:
        row = await fetch_one(
            self._conn,
            f"SELECT {_STATE_COLUMNS} FROM jobs WHERE owner_id = ? AND voice_id = ? AND kind = ?"
            " ORDER BY rowid DESC LIMIT 1",
            (owner_id, voice_id, kind),
        )
        return await self._state(row) if row else None

    async def _mean_seconds(self, kind: str) -> float | None:
        row = await fetch_one(
            self._conn,
            "SELECT AVG(finished_at - started_at) FROM (SELECT finished_at, started_at FROM jobs"
            " WHERE kind = ? AND status = 'succeeded' ORDER BY finished_at DESC LIMIT 20) AS recent",
            (kind,),
        )
        return float(row[0]) if row and row[0] is not None else None

    async def _state(self, row: Any) -> JobState:
        rowid = row["rowid"]
        data = {k: row[k] for k in row.keys() if k != "rowid"}
        data["result"] = json.loads(data["result"]) if data["result"] else None
        data["reply_to"] = json.loads(data["reply_to"]) if data["reply_to"] else None
        position = eta = None
        own = await self._mean_seconds(data["kind"])
        if data["status"] == "queued":
            ahead = await fetch_all(
                self._conn,
                "SELECT kind, COUNT(*) AS n FROM jobs WHERE status = 'queued' AND id != ?"
                " AND (priority > ? OR (priority = ? AND rowid < ?)) GROUP BY kind",
                (data["id"], data["priority"], data["priority"], rowid),
            )
            position = sum(r["n"] for r in ahead)
            means = [(await self._mean_seconds(r["kind"]), r["n"]) for r in ahead]
            if own is not None and all(m is not None for m, _ in means):
                running = await fetch_one(self._conn, "SELECT COUNT(*) FROM jobs WHERE status = 'running'")
                workers = max(1, await self.live_workers())
                eta = own + (sum(m * n for m, n in means) + own * running[0] / 2) / workers
        elif data["status"] == "running" and data["started_at"] is not None:
            elapsed = time.time() - data["started_at"]
            if data["percent"] >= 5:
                eta = elapsed * (100 - data["percent"]) / data["percent"]
            elif own is not None:
                eta = max(0.0, own - elapsed)
        return JobState(**data, position=position, eta_s=eta)

    # ---- what a broker hears (nothing, in the embedded queue) ----------------------------------

    async def _broker_submitted(self, job_id: str, spec: JobSpec) -> None:
        """A job was queued (committed)."""

    async def _broker_requeued(self, job_id: str, not_before: float) -> None:
        """A claimed job went back to the queue, to run again from ``not_before`` (Unix time)."""

    async def _broker_ended(self, job_id: str, status: str) -> None:
        """A job ended: succeeded, failed or cancelled."""

    async def _notify(self, job_id: str) -> None:
        """An event was appended (inside the caller's transaction): wake other processes' waiters."""
