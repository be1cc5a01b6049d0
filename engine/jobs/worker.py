"""The worker loop: claim a job, run it under a lease, report, finish; requeue what it cannot finish.

Runners (``kind -> async fn(JobContext) -> result dict``) come from the composition root, so the
engine knows nothing of voices or chats. Heavy work inside a runner goes to a thread; the loop only
renews leases, polls and writes state. An exception with ``code`` and ``message`` (a refusal) fails
the job at once; any other is treated as transient and retried with backoff until ``max_tries``.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
import uuid
from collections.abc import Awaitable, Callable, Iterable, Mapping
from typing import Any

from engine.jobs.queue import Claim, JobContext, WorkerQueue
from engine.jobs.records import MAX_LEASE_S
from storage.files import StoreFullError, no_room

log = logging.getLogger(__name__)
PROGRESS_EVERY_S = 0.5  # progress events at most this often (a step change is always written)
WORKER_BEAT_S = 5.0
# Kinds a person waits on while they run — speech heard as it is made, a voice note being checked:
# slots of their own (``streams``)
ATTENDED = ("speak", "check")
BEAT_S = 2.0  # a running job's lease renewal (and cancel check) at least this often


class JobCancelled(Exception):
    """The owner cancelled the job."""


class JobStopping(Exception):
    """The worker is shutting down: the job goes back to the queue at this step boundary."""


class JobYield(Exception):
    """Another owner is waiting: back to the queue (checkpoint kept, no try used), resumed later."""


class LeaseLost(Exception):
    """The job's lease expired and it may be running elsewhere: drop it without writing."""


class JobControl:
    """What a runner sees: the job, progress reporting, chunk events and step boundaries."""

    def __init__(
        self, queue: WorkerQueue, claim: Claim, worker_id: str, lease_s: float, stopping: asyncio.Event
    ):
        self.job = claim
        self.checkpoint: dict[str, Any] | None = claim.checkpoint
        self._queue, self._worker_id, self._lease_s, self._stopping = queue, worker_id, lease_s, stopping
        self._state = "ok"
        self._last: tuple[str, float] = ("", 0.0)

    async def check(self) -> None:
        """A step boundary: stop here if the job was cancelled, lost, or the worker is stopping."""
        if self._state == "lost":
            raise LeaseLost(self.job.id)
        if self._state == "cancel":
            raise JobCancelled(self.job.id)
        if self._stopping.is_set():
            raise JobStopping(self.job.id)

    def should_stop(self) -> bool:
        """For long steps running in a thread: true once the job must stop at its next boundary."""
        return self._state != "ok" or self._stopping.is_set()

    async def step(self, name: str, percent: float) -> None:
        """Report progress (throttled) and pass a step boundary, where a cancel is seen at once (a
        listener who left should not cost another sentence)."""
        if self._state == "ok" and await self._queue.cancel_requested(self.job.id):
            self._state = "cancel"
        await self.check()
        moment = time.monotonic()
        if name != self._last[0] or moment - self._last[1] >= PROGRESS_EVERY_S or percent >= 100:
            self._last = (name, moment)
            await self._queue.progress(self.job.id, self._worker_id, name, percent)

    async def take_turns(self) -> None:
        """Between items of a long job: give the worker to another owner's waiting job, if any.
        Call only where ``checkpoint`` says how to resume; it is kept here, so a worker killed
        later does not redo what is done."""
        await self.check()
        if self.checkpoint and not await self._queue.save_checkpoint(
            self.job.id, self._worker_id, self.checkpoint
        ):
            raise LeaseLost(self.job.id)
        if await self._queue.contended(self.job.id):
            raise JobYield(self.job.id)

    async def emit(self, type: str, data: dict[str, Any]) -> None:
        if not await self._queue.emit(self.job.id, self._worker_id, type, data):
            raise LeaseLost(self.job.id)

    async def keep_alive(self) -> None:
        # Also how soon a cancel is seen by work running in a thread (``should_stop``).
        while True:
            await asyncio.sleep(min(self._lease_s / 3, BEAT_S))
            try:
                self._state = await self._queue.heartbeat(self.job.id, self._worker_id, self._lease_s)
            except Exception:  # a busy or briefly unavailable database: try again next beat
                log.warning("job %s: heartbeat failed", self.job.id, exc_info=True)
                continue
            if self._state == "lost":
                return


Runner = Callable[[JobContext], Awaitable[dict[str, Any]]]


class Worker:
    def __init__(
        self,
        queue: WorkerQueue,
        runners: Mapping[str, Runner],
        *,
        concurrency: int = 1,
        streams: int = 0,
        lease_s: float = 30.0,
        poll_s: float = 0.25,
        register: bool = True,
        worker_id: str | None = None,
        loaded: Callable[[], Iterable[str]] | None = None,
    ) -> None:
        """``loaded``: the voices this process has loaded, reported with its heartbeat so speech in
        them comes here first."""
        self.queue = queue
        self.runners = dict(runners)
        self.kinds = tuple(self.runners)
        self.concurrency = max(1, concurrency)
        # Speech jobs get slots of their own (0: they share ``concurrency``), so a stream never waits
        # for a training or another stream to finish; the runner makes them take turns on the engine.
        self.streams = max(0, streams)
        self.lease_s = min(lease_s, MAX_LEASE_S)  # a longer one would be cut by the reaper
        self.poll_s = poll_s
        self.register = register
        self.id = worker_id or f"worker_{uuid.uuid4().hex[:12]}"
        self.stopping = asyncio.Event()
        self._loaded = loaded
        self._active: dict[asyncio.Task, str] = {}  # running jobs and their kinds
        self._beat_now = asyncio.Event()  # the voices it could speak now changed: tell the queue
        self._reported: tuple[str, ...] = ()

    def stop(self) -> None:
        """Graceful: claim nothing more; running jobs are requeued at their next step boundary."""
        self.stopping.set()

    async def run(self, until: Callable[[], bool] | None = None) -> None:
        """Serve until ``stop()`` (or until ``until()`` is true; then running jobs finish normally)."""
        beat = asyncio.create_task(self._beat()) if self.register else None
        active = self._active
        reaped = 0.0
        try:
            while not self.stopping.is_set() and not (until and until()):
                claim = None
                try:
                    if time.monotonic() - reaped >= self.lease_s / 2:  # expired leases: often enough
                        await self.queue.reap()
                        reaped = time.monotonic()
                    if kinds := self._open(list(active.values())):
                        claim = await self.queue.claim(self.id, kinds, self.lease_s)
                except Exception:  # the database is away (restarting): the running jobs go on, and so do we
                    log.warning("worker %s: the queue did not answer; trying again", self.id, exc_info=True)
                    stop = asyncio.ensure_future(self.stopping.wait())
                    await asyncio.wait([stop], timeout=1.0)
                    stop.cancel()
                    continue
                if claim is not None:
                    task = asyncio.create_task(self._run(claim))
                    active[task] = claim.kind
                    task.add_done_callback(self._ended)
                    self._speech_changed(claim.kind)
                    continue
                # Until a job here finishes, a job is submitted in this process, or the poll is due.
                waits = [
                    asyncio.ensure_future(self.stopping.wait()),
                    asyncio.ensure_future(self.queue.changed(self.poll_s)),
                    *active,
                ]
                await asyncio.wait(waits, timeout=self.poll_s, return_when=asyncio.FIRST_COMPLETED)
                for waiter in waits[:2]:
                    waiter.cancel()
            if active:
                await asyncio.gather(*active, return_exceptions=True)
        finally:
            if beat is not None:
                beat.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await beat
                try:
                    await self.queue.unregister_worker(self.id)
                except Exception:  # the database is away: its heartbeat simply goes stale
                    log.warning("worker %s: could not sign off", self.id, exc_info=True)

    def _open(self, running: list[str]) -> tuple[str, ...]:
        """The kinds this worker may claim now, with ``running`` the kinds of its jobs."""
        if not self.streams:
            return self.kinds if len(running) < self.concurrency else ()
        speaking = sum(kind in ATTENDED for kind in running)
        return tuple(
            k
            for k in self.kinds
            if (speaking < self.streams if k in ATTENDED else len(running) - speaking < self.concurrency)
        )

    def _ended(self, task: asyncio.Task) -> None:
        self._speech_changed(self._active.pop(task, ""))

    def _speech_changed(self, kind: str) -> None:
        """A job in a speech slot started or ended: beat now if what the queue knows is out of date."""
        if kind in ATTENDED and self._loaded is not None and self._warm() != self._reported:
            self._beat_now.set()

    def _warm(self) -> tuple[str, ...]:
        """The loaded voices, while a speech slot is free (a busy worker cannot take them now)."""
        if self._loaded is None or "speak" not in self._open(list(self._active.values())):
            return ()
        return tuple(sorted(self._loaded()))

    async def _beat(self) -> None:
        while True:
            self._beat_now.clear()
            self._reported = self._warm()
            try:
                await self.queue.register_worker(self.id, self.kinds, self._reported)
            except Exception:  # the database is away: beat again next time
                log.warning("worker %s: heartbeat not written", self.id, exc_info=True)
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._beat_now.wait(), WORKER_BEAT_S)

    async def _run(self, claim: Claim) -> None:
        control = JobControl(self.queue, claim, self.id, self.lease_s, self.stopping)
        alive = asyncio.create_task(control.keep_alive())
        q, wid = self.queue, self.id
        try:
            await control.check()
            result = await self.runners[claim.kind](control)
            if not await q.complete(claim.id, wid, result):
                log.warning("job %s: finished after its lease was lost; result dropped", claim.id)
        except JobCancelled:
            await q.mark_cancelled(claim.id, wid)
        except JobStopping:
            await q.release(claim.id, wid, control.checkpoint)
        except JobYield:
            await q.release(claim.id, wid, control.checkpoint, reason="yielded to another user")
        except LeaseLost:
            log.warning("job %s: lease lost, dropped", claim.id)
        except Exception as exc:
            code, message = getattr(exc, "code", None), getattr(exc, "message", None)
            if isinstance(code, str) and isinstance(message, str):
                detail = {"key": getattr(exc, "key", code), "values": getattr(exc, "values", {})}
                await q.fail(claim.id, wid, code, message, retry=False, detail=detail)
            elif no_room(exc):  # a temporary file with no room: it may clear, so tried again
                log.error("job %s (%s): no room to write: %s", claim.id, claim.kind, exc)
                detail = {"key": StoreFullError.key, "values": {}}
                await q.fail(
                    claim.id, wid, StoreFullError.code, StoreFullError.message, retry=True, detail=detail
                )
            else:
                log.exception("job %s (%s) failed", claim.id, claim.kind)
                await q.fail(
                    claim.id,
                    wid,
                    "internal_error",
                    f"The engine hit an internal error ({type(exc).__name__}); the operator's log has"
                    " the details.",
                    retry=True,
                )
        finally:
            alive.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await alive
