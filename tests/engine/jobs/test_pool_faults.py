"""Faults of a pool on PostgreSQL, with real processes: the database restarted under two running
workers (they reconnect and go on) while they share 40 mixed jobs of four owners — each finished
exactly once."""

from __future__ import annotations

import asyncio
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pgserver

from engine.jobs.postgres import PostgresQueue
from engine.jobs.queue import JobSpec
from storage import Storage
from storage.db import fetch_all

ROOT = Path(__file__).resolve().parents[3]


def _worker(data: Path, url: str) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "tests.engine.jobs.pool_worker", str(data), url],
        cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip


async def _statuses(st: Storage) -> Counter:
    for _ in range(50):  # the caller's own connection comes back with the server
        try:
            return Counter(r[0] for r in await fetch_all(st.conn, "SELECT status FROM jobs"))
        except Exception:
            await asyncio.sleep(0.2)
    raise AssertionError("the database did not come back")


async def test_the_database_restarts_under_two_workers_and_each_job_ends_once(tmp_path):
    pgdata, data = tmp_path / "pg", tmp_path / "store"
    server = pgserver.get_server(pgdata, cleanup_mode="stop")
    url = server.get_uri()
    workers: list[subprocess.Popen] = []
    try:
        async with Storage.open(data, url) as st:
            queue = PostgresQueue(st.conn, url, max_queued_per_owner=100)
            await queue.open()
            owners = [(await st.users.get_or_create("cli", f"o{i}")).id for i in range(4)]
            jobs = [
                await queue.submit(JobSpec(("speak", "batch", "train")[i % 3], owners[i % 4], {"n": i}))
                for i in range(40)
            ]
            workers = [_worker(data, url) for _ in range(2)]
            async with asyncio.timeout(120):
                while (await _statuses(st))["succeeded"] < 8:  # some done, others on their way
                    await queue.changed(0.5)
                server.cleanup()  # the database goes away under them …
                await asyncio.sleep(1.0)
                server = pgserver.get_server(pgdata, cleanup_mode="stop")  # … and comes back
                while (await _statuses(st))["succeeded"] < len(jobs):
                    await queue.changed(0.5)
            ends = Counter()
            for job in jobs:
                ends[job.id] = sum(e.type == "done" for e in await queue.events(job.id))
            assert set(ends.values()) == {1}, ends  # each finished exactly once
            ran_on = {
                (e.data or {}).get("worker")
                for job in jobs
                for e in await queue.events(job.id)
                if e.type == "started"
            }
            assert len(ran_on) == 2  # both hosts took jobs
            await queue.close()
    finally:
        (data / "stop").parent.mkdir(parents=True, exist_ok=True)
        (data / "stop").touch()
        for worker in workers:
            try:
                worker.wait(30)
            except subprocess.TimeoutExpired:
                worker.kill()
        server.cleanup()
