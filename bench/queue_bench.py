"""The job queue with a no-op engine: overhead per job, throughput with 1 and 2 worker processes,
and the event-loop lag of a caller watching jobs while workers are busy.

    python bench/queue_bench.py

Real SQLite file (WAL, synchronous=FULL) in a temporary folder; workers are separate processes
running ``engine.worker.Worker`` with stand-in runners (no-op, or a 50 ms sleep standing for work).
"""

from __future__ import annotations

import asyncio
import json
import multiprocessing
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from engine.jobs.client import EngineClient  # noqa: E402
from engine.jobs.queue import JobSpec  # noqa: E402
from engine.jobs.sqlite import SqliteQueue  # noqa: E402
from engine.jobs.worker import Worker  # noqa: E402
from storage import Storage  # noqa: E402
from storage.db import fetch_one  # noqa: E402


async def until(check, every: float = 0.05) -> None:
    """Poll: the queue is shared with other processes, so there is no event to wait on."""
    while not await check():  # noqa: ASYNC110
        await asyncio.sleep(every)


def runners(work_s: float) -> dict:
    async def run(job):
        if work_s:
            await asyncio.sleep(work_s)
        return {"ok": True}

    return {"speak": run, "batch": run, "train": run}


def _worker_main(data: str, work_s: float, stop_file: str) -> None:
    async def main() -> None:
        async with Storage.open(Path(data)) as st:
            worker = Worker(SqliteQueue(st.conn), runners(work_s), poll_s=0.02, register=True)

            async def watch_stop() -> None:
                await until(lambda: asyncio.to_thread(Path(stop_file).exists))
                worker.stop()

            await asyncio.gather(worker.run(), watch_stop())

    asyncio.run(main())


async def _pending(st: Storage) -> int:
    row = await fetch_one(st.conn, "SELECT COUNT(*) FROM jobs WHERE status IN ('queued', 'running')")
    return int(row[0])


async def overhead(n: int = 200) -> dict:
    """One job at a time: submit, an in-process worker claims and completes it, the caller sees it."""
    with tempfile.TemporaryDirectory() as data:
        async with Storage.open(Path(data)) as st:
            user = await st.users.get_or_create("cli", "bench")
            queue = SqliteQueue(st.conn, max_queued_per_owner=10**6)
            client = EngineClient(queue, poll_s=0.002)
            worker = Worker(queue, runners(0.0), poll_s=0.002, register=False)
            task = asyncio.create_task(worker.run())
            times = []
            for _ in range(n):
                started = time.perf_counter()
                job = await queue.submit(JobSpec("speak", user.id, {}))
                await client.wait(user.id, job.id)
                times.append(time.perf_counter() - started)
            worker.stop()
            await task
    times.sort()
    return {
        "jobs": n,
        "median_ms": round(statistics.median(times) * 1000, 1),
        "p95_ms": round(times[int(0.95 * n)] * 1000, 1),
    }


async def throughput(workers: int, n: int, work_s: float) -> dict:
    """``n`` jobs from 10 owners queued up front; ``workers`` processes drain them; a caller watches
    20 of them meanwhile and its loop lag is measured."""
    with tempfile.TemporaryDirectory() as data:
        async with Storage.open(Path(data)) as st:
            queue = SqliteQueue(st.conn, max_queued_per_owner=10**6)
            users = [(await st.users.get_or_create("cli", f"u{i}")).id for i in range(10)]
            jobs = [await queue.submit(JobSpec("speak", users[i % 10], {})) for i in range(n)]
            stop_file = str(Path(data) / "stop")
            spawn = multiprocessing.get_context("spawn")
            procs = [
                spawn.Process(target=_worker_main, args=(data, work_s, stop_file)) for _ in range(workers)
            ]
            for proc in procs:
                proc.start()

            async def all_up() -> bool:
                return await queue.live_workers() >= workers

            await until(all_up)
            lags: list[float] = []
            done = asyncio.Event()

            async def lag() -> None:
                while not done.is_set():
                    before = time.perf_counter()
                    await asyncio.sleep(0.01)
                    lags.append(time.perf_counter() - before - 0.01)

            client = EngineClient(queue, poll_s=0.1)

            async def watch(job) -> None:
                async for _ in client.watch(job.owner_id, job.id):
                    pass

            started = time.perf_counter()
            monitor = asyncio.create_task(lag())
            watched = asyncio.gather(*(watch(j) for j in jobs[-20:]))

            async def drained() -> bool:
                return await _pending(st) == 0

            await until(drained)
            elapsed = time.perf_counter() - started
            await watched
            done.set()
            await monitor
            await asyncio.to_thread(Path(stop_file).touch)
            for proc in procs:
                proc.join(30)
            row = await fetch_one(
                st.conn, "SELECT COUNT(*) FROM jobs WHERE status = 'succeeded' AND attempts = 1"
            )
    lags.sort()
    return {
        "workers": workers,
        "jobs": n,
        "work_per_job_ms": work_s * 1000,
        "jobs_per_s": round(n / elapsed, 1),
        "succeeded_once": int(row[0]),
        "caller_loop_lag_p99_ms": round(lags[int(0.99 * len(lags))] * 1000, 1),
        "caller_loop_lag_max_ms": round(lags[-1] * 1000, 1),
    }


async def main() -> None:
    results = {"overhead": await overhead()}
    print(json.dumps(results["overhead"]), flush=True)
    for work_s, n in ((0.0, 500), (0.05, 200)):
        for workers in (1, 2):
            result = await throughput(workers, n, work_s)
            print(json.dumps(result), flush=True)


if __name__ == "__main__":
    asyncio.run(main())
