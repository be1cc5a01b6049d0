"""What callers (CLI, bots) use to talk to the engine: submit, follow, wait, cancel.

Nothing here blocks the event loop: queue calls go through the database driver's thread or socket,
and waiting is a wake-up per change of the job plus a poll (short where another process's change
wakes nobody here — SQLite —, a 2 s safety net on PostgreSQL, whose NOTIFY reaches every host).
``wait(drive=True)`` runs an in-process worker when no long-running worker holds the queue, so the
CLI works without ``voicebot worker``.
"""

from __future__ import annotations

import asyncio
import contextlib
import random
import time
from collections.abc import AsyncIterator, Callable, Mapping

from engine.jobs.queue import Event, JobQueue, JobSpec, JobState, QueueError
from engine.jobs.worker import Runner, Worker

LIVE_CHECK_S = 2.0
NOTIFIED_POLL_S = 2.0  # a watcher's poll (2–4 s) where changes wake every process (PostgreSQL)


class EngineClient:
    def __init__(
        self,
        queue: JobQueue,
        *,
        poll_s: float = 0.1,
        local_runners: Mapping[str, Runner] | None = None,
        local_concurrency: int = 1,
    ) -> None:
        self.queue = queue
        self.poll_s = poll_s
        self.local_runners = local_runners
        self._local_concurrency = local_concurrency

    async def submit(self, spec: JobSpec) -> JobState:
        return await self.queue.submit(spec)

    async def status(self, owner_id: int, job_id: str) -> JobState:
        state = await self.queue.get(owner_id, job_id)
        if state is None:
            raise QueueError("not_found", "No such job among yours.")
        return state

    async def cancel(self, owner_id: int, job_id: str) -> JobState:
        return await self.queue.cancel(owner_id, job_id)

    async def watch(self, owner_id: int, job_id: str, after: int = 0) -> AsyncIterator[Event]:
        """The job's events in order, from ``after``, until its terminal event."""
        await self.status(owner_id, job_id)  # owner check
        while True:
            events = await self.queue.events(job_id, after)
            for event in events:
                after = event.seq
                yield event
                if event.terminal:
                    return
            # woken by each change of the job; the poll is for changes made where no wake-up reaches
            # (spread, so that many watchers started together do not all read at once)
            poll = NOTIFIED_POLL_S * (1 + random.random()) if self.queue.notifies else self.poll_s
            await self.queue.changed(poll, job_id)

    async def wait(
        self,
        owner_id: int,
        job_id: str,
        *,
        drive: bool = False,
        on_event: Callable[[Event], None] | None = None,
    ) -> JobState:
        """Until the job ends (bound it with ``asyncio.timeout``). ``drive``: serve the queue
        in-process while no worker is alive."""
        local: asyncio.Task | None = None
        finished = False
        next_check = 0.0

        async def follow() -> None:
            async for event in self.watch(owner_id, job_id):
                if on_event is not None:
                    on_event(event)

        watcher = asyncio.create_task(follow())
        try:
            while not watcher.done():
                if drive and local is None and self.local_runners and time.monotonic() >= next_check:
                    next_check = time.monotonic() + LIVE_CHECK_S
                    if await self.queue.live_workers() == 0:
                        worker = Worker(
                            self.queue,
                            self.local_runners,
                            concurrency=self._local_concurrency,
                            register=False,
                        )
                        local = asyncio.create_task(worker.run(until=lambda: finished))
                await asyncio.wait([watcher], timeout=self.poll_s * 5)
            await watcher
        finally:
            finished = True
            watcher.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await watcher
            if local is not None:
                await local  # it stops claiming now; a job it holds finishes first
        return await self.status(owner_id, job_id)
