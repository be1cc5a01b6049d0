"""Faults of a pool on PostgreSQL, with real processes: while workers share 40 mixed jobs of four
owners, a new worker joins, an old one leaves (SIGTERM: it hands its job back) and the database
restarts under them (they reconnect and go on) — each job finished exactly once; a worker frozen
past its lease (SIGSTOP, then SIGCONT) cannot complete the job another worker took over."""

from __future__ import annotations

import asyncio
import signal
import subprocess
import sys
import threading
from collections import Counter
from pathlib import Path

import pgserver

from engine.jobs.client import EngineClient
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


async def test_a_worker_joins_one_leaves_the_database_restarts_and_each_job_ends_once(tmp_path):
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
                await queue.submit(JobSpec(("speak", "batch", "train")[i % 3], owners[i % 4], {"steps": 6}))
                for i in range(40)
            ]  # 0.3 s each
            workers = [_worker(data, url) for _ in range(2)]
            async with asyncio.timeout(120):
                while (await _statuses(st))["succeeded"] < 6:  # some done, others on their way
                    await queue.changed(0.5)
                workers.append(_worker(data, url))  # a host joins …
                await asyncio.to_thread(_Lines(workers[2]).wait_for, "worker ready")
                workers[0].send_signal(signal.SIGTERM)  # … and another leaves
                assert await asyncio.to_thread(workers[0].wait, 30) == 0
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
            assert len(ran_on) == 3  # every host took jobs, the one that joined too
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


class _Lines:
    """A worker's stderr, read by a thread so it never blocks; wait for a line by its start."""

    def __init__(self, proc: subprocess.Popen) -> None:
        self.lines: list[str] = []
        self.seen = threading.Condition()
        threading.Thread(target=self._read, args=(proc,), daemon=True).start()

    def _read(self, proc: subprocess.Popen) -> None:
        for line in proc.stderr:
            with self.seen:
                self.lines.append(line)
                self.seen.notify_all()

    def wait_for(self, text: str, timeout: float = 60) -> str:
        with self.seen:
            found = self.seen.wait_for(lambda: next((x for x in self.lines if text in x), None), timeout)
        assert found, "".join(self.lines[-20:])
        return found


async def test_a_worker_frozen_past_its_lease_cannot_complete_what_another_took(tmp_path, postgres_server):
    from tests.postgres import fresh_database

    url, data = fresh_database(postgres_server), tmp_path / "store"
    async with Storage.open(data, url) as st:
        queue = PostgresQueue(st.conn, url)
        await queue.open()
        owner = (await st.users.get_or_create("cli", "o")).id
        job = await queue.submit(JobSpec("train", owner, {"steps": 60}))  # 3 s of work, a 2 s lease
        first = _worker(data, url)
        first_log = _Lines(first)
        second = None
        try:
            async with asyncio.timeout(120):
                while not any(e.type == "progress" for e in await queue.events(job.id)):
                    await queue.changed(0.5)
                first.send_signal(signal.SIGSTOP)  # frozen mid-job, its lease running out
                second = _worker(data, url)
                done = await EngineClient(queue).wait(owner, job.id)
                first.send_signal(signal.SIGCONT)  # it wakes up and tries to go on
                await asyncio.to_thread(
                    first_log.wait_for, "lease"
                )  # "lease lost", or "after its lease was lost"
        finally:
            (data / "stop").touch()
            for proc in (first, second):
                if proc is not None:
                    proc.send_signal(signal.SIGCONT)
                    proc.wait(30)
            await queue.close()
        assert done.status == "succeeded" and done.result == {"pid": second.pid}
        events = [e.type for e in await queue.events(job.id)]
        assert events.count("started") == 2 and events.count("done") == 1
