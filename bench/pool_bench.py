"""The job queue of a pool: worker processes sharing PostgreSQL (Procrastinate brokering), next to
the embedded SQLite queue, with stand-in runners (a 50 ms sleep standing for work).

    python bench/pool_bench.py [--jobs 300] [--workers 1 2 4]

For each database and worker count: jobs per second draining ``--jobs`` jobs of 10 owners queued up
front; each claim's time inside the workers (p50/p99); and from a worker's chunk event to the
caller (the bot's side, watching every job) receiving it: p50/p99 (LISTEN/NOTIFY on PostgreSQL,
polling across processes on SQLite). PostgreSQL 16 from the ``pgserver`` wheel, on this machine.
Writes two SVG charts into ``--plot`` (``docs/`` by default).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import multiprocessing
import os
import random
import sys
import tempfile
import time
from contextlib import asynccontextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

WORK_S = 0.05


@asynccontextmanager
async def opened(data: Path, url: str | None):
    from engine.jobs.postgres import PostgresQueue
    from engine.jobs.sqlite import SqliteQueue
    from storage import Storage

    async with Storage.open(data, url) as st:
        if url:
            queue = PostgresQueue(st.conn, url, max_queued_per_owner=10**6)
            await queue.open()
        else:
            queue = SqliteQueue(st.conn, max_queued_per_owner=10**6)
        try:
            yield st, queue
        finally:
            if url:
                await queue.close()


def _worker_main(data: str, url: str | None, stop_file: str, stats_file: str) -> None:
    from engine.jobs.queue import KINDS
    from engine.jobs.worker import Worker

    async def main() -> None:
        async with opened(Path(data), url) as (_, queue):
            claims: list[float] = []
            real_claim = queue.claim

            async def timed(*args, **kwargs):
                started = time.perf_counter()
                claim = await real_claim(*args, **kwargs)
                if claim is not None:
                    claims.append(time.perf_counter() - started)
                return claim

            queue.claim = timed

            async def run(job):
                await asyncio.sleep(WORK_S / 2)
                await job.emit("chunk", {"index": 0, "t": time.time()})
                await asyncio.sleep(WORK_S / 2)
                return {"ok": True}

            # every kind, as ``voicebot worker`` serves (only speech is queued here)
            worker = Worker(queue, dict.fromkeys(KINDS, run), poll_s=0.5, register=True)

            async def watch_stop() -> None:
                while not await asyncio.to_thread(Path(stop_file).exists):  # noqa: ASYNC110
                    await asyncio.sleep(0.1)
                worker.stop()

            await asyncio.gather(worker.run(), watch_stop())
            await asyncio.to_thread(Path(stats_file).write_text, json.dumps(claims))

    asyncio.run(main())


def _pct(values: list[float], p: float) -> float:
    values = sorted(values)
    return round(values[min(len(values) - 1, int(p * len(values)))] * 1000, 1)


async def one(url: str | None, workers: int, n: int) -> dict:
    from engine.jobs.client import NOTIFIED_POLL_S
    from engine.jobs.queue import JobSpec
    from storage.db import fetch_one

    with tempfile.TemporaryDirectory() as folder:
        data = Path(folder)
        async with opened(data, url) as (st, queue):
            users = [(await st.users.get_or_create("cli", f"u{i}")).id for i in range(10)]
            jobs = [await queue.submit(JobSpec("speak", users[i % 10], {})) for i in range(n)]
            stop_file = str(data / "stop")
            spawn = multiprocessing.get_context("spawn")
            stats = [str(data / f"claims{i}.json") for i in range(workers)]
            procs = [
                spawn.Process(target=_worker_main, args=(folder, url, stop_file, stats[i]))
                for i in range(workers)
            ]
            latencies: list[float] = []
            waiting: set[str] = set()

            async def watch(job) -> None:
                """``EngineClient.watch`` as the bots have it (a wake-up per change of the job, a
                poll besides), noting when it first waits: no job runs before every watcher does."""
                after = 0
                while True:
                    for event in await queue.events(job.id, after):
                        after = event.seq
                        if event.type == "chunk":
                            latencies.append(time.time() - event.data["t"])
                        if event.terminal:
                            return
                    waiting.add(job.id)
                    poll = NOTIFIED_POLL_S * (1 + random.random()) if queue.notifies else 0.1
                    await queue.changed(poll, job.id)

            watchers = [asyncio.create_task(watch(j)) for j in jobs]  # every one, as a busy bot host
            while len(waiting) < len(jobs):  # noqa: ASYNC110
                await asyncio.sleep(0.05)
            for proc in procs:
                proc.start()
            while await queue.live_workers() < workers:  # noqa: ASYNC110
                await asyncio.sleep(0.05)
            started = time.perf_counter()
            await asyncio.gather(*watchers)
            while (await fetch_one(st.conn, "SELECT COUNT(*) FROM jobs WHERE status != 'succeeded'"))[0]:
                await queue.changed(0.02)
            elapsed = time.perf_counter() - started
            once = await fetch_one(st.conn, "SELECT COUNT(*) FROM jobs WHERE attempts = 1")
            await asyncio.to_thread(Path(stop_file).touch)
            for proc in procs:
                await asyncio.to_thread(proc.join, 60)
            claims = [c for path in stats for c in json.loads(await asyncio.to_thread(Path(path).read_text))]
    return {
        "database": "postgresql" if url else "sqlite",
        "workers": workers,
        "jobs": n,
        "jobs_per_s": round(n / elapsed, 1),
        "succeeded_once": once[0],
        "claim_p50_ms": _pct(claims, 0.5),
        "claim_p99_ms": _pct(claims, 0.99),
        "chunk_to_caller_p50_ms": _pct(latencies, 0.5),
        "chunk_to_caller_p99_ms": _pct(latencies, 0.99),
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--jobs", type=int, default=300)
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2, 4])
    parser.add_argument("--plot", type=Path, default=ROOT / "docs", help="folder for the two SVG charts")
    args = parser.parse_args()
    import pgserver

    with tempfile.TemporaryDirectory(prefix="voicebot-pg-") as pgdata:
        server = pgserver.get_server(pgdata, cleanup_mode="stop")
        try:
            results = []
            for database in ("sqlite", "postgresql"):
                for number, workers in enumerate(args.workers):
                    url = None
                    if database == "postgresql":
                        server.psql(f"CREATE DATABASE bench_{number};")
                        url = server.get_uri(f"bench_{number}")
                    result = asyncio.run(one(url, workers, args.jobs))
                    results.append(result)
                    print(json.dumps(result), flush=True)
        finally:
            server.cleanup()
    base = {r["database"]: r["jobs_per_s"] for r in results if r["workers"] == args.workers[0]}
    for r in results:
        r["speedup"] = round(r["jobs_per_s"] / base[r["database"]], 2)
    print(json.dumps({"machine": f"{os.cpu_count()} cores", "results": results}, indent=2))
    _plot(results, args.plot)


def _plot(results: list[dict], folder: Path) -> None:
    from bench.plot import line_chart

    names = {"sqlite": "SQLite", "postgresql": "PostgreSQL"}

    def series(field: str) -> dict[str, list[tuple[float, float]]]:
        return {names[db]: [(r["workers"], r[field]) for r in results if r["database"] == db] for db in names}

    line_chart(folder / "pool-throughput.svg", "Jobs per second (50 ms jobs)", "worker processes",
               "jobs/s", series("jobs_per_s"))  # fmt: skip
    line_chart(folder / "pool-events.svg", "Chunk to caller, p99", "worker processes", "ms",
               series("chunk_to_caller_p99_ms"), target=("target 20 ms", 20.0))  # fmt: skip


if __name__ == "__main__":
    main()
