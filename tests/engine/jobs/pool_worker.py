"""A worker process for the pool's fault tests: ``python -m tests.engine.jobs.pool_worker DATA URL``
serves the PostgreSQL queue with stand-in runners (``steps`` of 50 ms, 2 by default) until ``DATA/stop``
exists or SIGTERM comes. It shares only the database and the folder with the test: another host in all
but name."""

from __future__ import annotations

import asyncio
import logging
import os
import signal
import sys
from pathlib import Path

from engine.jobs.postgres import PostgresQueue
from engine.jobs.worker import Worker
from storage import Storage


async def _run(job) -> dict:
    steps = job.job.payload.get("steps", 2)  # 50 ms each
    for step in range(steps):
        await job.step("working", 100.0 * step / steps)
        await asyncio.sleep(0.05)
    return {"pid": os.getpid()}


async def main(data: Path, url: str) -> None:
    async with Storage.open(data, url) as st:
        queue = PostgresQueue(st.conn, url)
        await queue.open()
        worker = Worker(queue, {"speak": _run, "batch": _run, "train": _run}, lease_s=2, poll_s=0.2)

        async def watch_stop() -> None:
            while not (data / "stop").exists() and not worker.stopping.is_set():  # noqa: ASYNC110
                await asyncio.sleep(0.1)
            worker.stop()

        # SIGTERM, as systemd stops a host: claim nothing more, hand running jobs back, exit
        asyncio.get_running_loop().add_signal_handler(signal.SIGTERM, worker.stop)
        print(f"worker ready: {worker.id}", file=sys.stderr, flush=True)
        try:
            await asyncio.gather(worker.run(), watch_stop())
        finally:
            await queue.close()


if __name__ == "__main__":
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    asyncio.run(main(Path(sys.argv[1]), sys.argv[2]))
