"""Real worker processes (``voicebot worker``) on one data directory: kill -9 in the middle of a
training, two workers sharing the queue, the caller's event loop while they work, SIGTERM."""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import subprocess
import threading
import time
from collections import Counter
from contextlib import asynccontextmanager
from pathlib import Path

from engine.audio.decode import Limits
from engine.audio.ingest import CleaningOptions, Ingestor
from engine.jobs.client import EngineClient
from engine.jobs.postgres import PostgresQueue
from engine.jobs.sqlite import SqliteQueue
from engine.speech.backends.embedded import EmbeddedBackend
from engine.speech.render import SpeechOptions
from handlers import speech, voices
from handlers.context import Context
from storage import Storage
from tests.audio import clips
from tests.bot.test_cli import VOICEBOT
from tests.voices import submit


class WorkerProcess:
    """``voicebot worker`` in its own process; stderr drained by a thread so it never blocks."""

    def __init__(
        self,
        data: Path,
        lease_s: float,
        config: Path | None = None,
        command: str = "worker",
        database: str | None = None,
        extra: tuple[str, ...] = (),
    ) -> None:
        env = {k: v for k, v in os.environ.items() if k not in ("VOICEBOT_CONFIG", "VOICEBOT_DATA_DIR")}
        options = ["--config", str(config)] if config else []
        options += ["--database", database] if database else []
        self.proc = subprocess.Popen(
            [VOICEBOT, *options, "--data-dir", str(data), command, "--lease", str(lease_s), *extra],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
            env=env,
        )
        self.lines: list[str] = []
        self.ready = threading.Event()
        threading.Thread(target=self._drain, daemon=True).start()

    def _drain(self) -> None:
        for line in self.proc.stderr:
            self.lines.append(line)
            if line.startswith("worker ready: "):
                self.id = line.split(": ", 1)[1].strip()
                self.ready.set()

    async def started(self) -> WorkerProcess:
        ready = await asyncio.to_thread(self.ready.wait, 120)
        assert ready, "".join(self.lines[-20:])
        return self

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.kill()
        self.proc.wait(10)


@asynccontextmanager
async def caller(data: Path, database: str | None = None):
    """What a bot process holds: storage and the engine client, no models."""
    async with Storage.open(data, database) as storage:
        if database:
            queue = PostgresQueue(storage.conn, database, max_queued_per_owner=50)
            await queue.open()
        else:
            queue = SqliteQueue(storage.conn, max_queued_per_owner=50)
        try:
            yield Context(
                storage=storage,
                ingestor=Ingestor(Limits()),  # its limits only: models load on first use; the worker ingests
                backend=EmbeddedBackend(None),
                cleaning=CleaningOptions(),
                engine=EngineClient(queue, poll_s=0.05),
            )
        finally:
            if database:
                await queue.close()


async def _submit_voice(ctx: Context, owner_id: int, name: str, files: list[Path]) -> str:
    queued = await submit(ctx, owner_id, name, [voices.Upload(p.name, p.read_bytes()) for p in files])
    return queued["jobId"]


async def test_kill_9_in_the_middle_of_training_then_a_new_worker_finishes_it_once(tmp_path, database):
    """On SQLite, and on PostgreSQL with Procrastinate brokering (the second worker is another host
    in all but name: it shares only the database and the store)."""
    files = clips("allison_en")[:12]
    async with caller(tmp_path, database) as ctx:
        user = await ctx.storage.users.get_or_create("cli", "u")
        job_id = await _submit_voice(ctx, user.id, "v", files)
        first = await WorkerProcess(tmp_path, lease_s=2, database=database).started()
        try:
            async with asyncio.timeout(120):
                async for event in ctx.engine.watch(user.id, job_id):
                    if event.type == "progress" and event.data["step"] == "training":
                        break  # samples ingested and stored; the voice is being prepared
            first.proc.send_signal(signal.SIGKILL)
            first.stop()
            assert (await ctx.engine.status(user.id, job_id)).status == "running"  # lease still held
            second = await WorkerProcess(tmp_path, lease_s=2, database=database).started()
            try:
                async with asyncio.timeout(120):
                    final = await ctx.engine.wait(user.id, job_id)
            finally:
                second.stop()
        finally:
            first.stop()
        assert final.status == "succeeded" and final.attempts == 2, final
        types = Counter(e.type for e in await ctx.engine.queue.events(job_id))
        assert types["done"] == 1 and types["started"] == 2 and types["requeued"] == 1
        listed = (await voices.list_voices(ctx, user.id))["voices"]
        assert len(listed) == 1 and listed[0]["status"] == "completed"
        samples = await ctx.storage.samples.list(user.id, listed[0]["voiceId"])
        assert len(samples) == len(files) == len({s.content_hash for s in samples})
        assert len(list((tmp_path / "files" / "samples").rglob("*.flac"))) == len(files)
        assert not list((tmp_path / "files" / "voices").rglob("uploads"))


async def test_two_workers_share_the_queue_and_the_callers_loop_never_stalls(tmp_path):
    async with caller(tmp_path) as ctx:
        user = await ctx.storage.users.get_or_create("cli", "u")
        workers = [WorkerProcess(tmp_path, lease_s=5) for _ in range(2)]
        try:
            for worker in workers:
                await worker.started()
            async with asyncio.timeout(120):
                first = await ctx.engine.wait(
                    user.id, await _submit_voice(ctx, user.id, "a", clips("allison_en")[:8])
                )
            voice_id = first.result["voiceId"]

            # What the loop's thread itself computes between two ticks (CPU time, not wall-clock): a
            # blocking call on the loop shows here, a busy machine that delays the tick does not.
            lags: list[float] = []

            async def measure_lag(stop: asyncio.Event) -> None:
                while not stop.is_set():
                    before = time.thread_time()
                    await asyncio.sleep(0.01)
                    lags.append(time.thread_time() - before)

            # the test's own consent reading is made on the loop: before the watch
            training = await _submit_voice(ctx, user.id, "b", clips("allison_en")[8:16])
            stop = asyncio.Event()
            monitor = asyncio.create_task(measure_lag(stop))
            job_ids = [training]
            for i in range(20):
                queued = await speech.submit_speech(
                    ctx, user.id, voice_id, f"Sentence number {i}.", SpeechOptions(output_format="wav")
                )
                job_ids.append(queued["jobId"])

            async def follow(job_id: str) -> list:
                return [e async for e in ctx.engine.watch(user.id, job_id)]

            async with asyncio.timeout(240):
                watched = await asyncio.gather(*(follow(j) for j in job_ids))
            stop.set()
            await monitor
        finally:
            for worker in workers:
                if worker.proc.poll() is None:
                    worker.proc.send_signal(signal.SIGTERM)
            codes = [await asyncio.to_thread(w.proc.wait, 30) for w in workers]
            for worker in workers:
                worker.stop()
        assert codes == [0, 0]  # SIGTERM: a clean stop
        assert await ctx.engine.queue.live_workers() == 0  # and they signed off

        ran_on = Counter()
        for job_id, events in zip(job_ids, watched, strict=True):
            types = Counter(e.type for e in events)
            assert types["started"] == 1 and types["done"] == 1, (job_id, events)
            ran_on[next(e.data["worker"] for e in events if e.type == "started")] += 1
        assert set(ran_on) == {w.id for w in workers}, ran_on  # both took jobs
        kinds = [e.type for e in watched[1]]
        assert kinds.index("chunk") < kinds.index("done")  # a sentence is out before the job ends
        chunk = next(e for e in watched[1] if e.type == "chunk")
        assert chunk.data["index"] == 0 and chunk.data["duration"] > 0.3
        receipts = await ctx.storage.generations.for_voice(user.id, voice_id)
        for job_id in job_ids[1:]:
            assert [g.job_id for g in receipts].count(job_id) == 1
        print(f"loop work between ticks over {len(lags)} ticks: max {max(lags) * 1000:.1f} ms")
        assert max(lags) < 0.05, f"the event loop computed {max(lags) * 1000:.0f} ms without yielding"


async def test_the_worker_loads_xtts_once_and_warms_it_up(tmp_path, tiny_xtts):
    config = tmp_path / "voicebot.toml"
    config.write_text(f'[engine]\nbackend = "xtts"\nxtts_model_dir = "{tiny_xtts}"\n')
    worker = WorkerProcess(tmp_path, lease_s=5, config=config)
    try:
        await worker.started()
        worker.proc.send_signal(signal.SIGTERM)
        assert await asyncio.to_thread(worker.proc.wait, 30) == 0
    finally:
        worker.stop()
    log = "".join(worker.lines)
    assert "xtts engine loaded and warm" in log and log.count("loaded and warm") == 1


async def test_one_worker_per_gpu_each_draining_on_sigterm(tmp_path):
    """``--gpus 0,1``: two worker processes, one per device (this machine has none, so each serves
    on the CPU; the split is what is tested); SIGTERM to the parent stops both cleanly."""
    env = {k: v for k, v in os.environ.items() if k not in ("VOICEBOT_CONFIG", "VOICEBOT_DATA_DIR")}
    none_here = await asyncio.to_thread(
        subprocess.run, [VOICEBOT, "--data-dir", str(tmp_path), "worker", "--gpus", "all"],
        capture_output=True, text=True, env=env, timeout=120,
    )  # fmt: skip
    assert none_here.returncode != 0 and '"no_gpu"' in none_here.stdout, none_here.stdout
    parent = _spawn([VOICEBOT, "--data-dir", str(tmp_path), "worker", "--gpus", "0,1", "--lease", "5"], env)
    ready: list[str] = []

    def read() -> None:
        for line in parent.stderr:
            if line.startswith("worker ready: "):
                ready.append(line.split(": ", 1)[1].strip())
                if len(ready) == 2:
                    return

    try:
        await asyncio.wait_for(asyncio.to_thread(read), 180)
        async with caller(tmp_path) as ctx:
            for _ in range(600):  # until both have signed in (their first heartbeat follows "ready")
                if await ctx.engine.queue.live_workers() == 2:
                    break
                await ctx.engine.queue.changed(0.1)
            assert await ctx.engine.queue.live_workers() == 2
        parent.send_signal(signal.SIGTERM)
        assert await asyncio.to_thread(parent.wait, 60) == 0
    finally:
        if parent.poll() is None:
            parent.kill()
    assert len(set(ready)) == 2


def _spawn(command: list[str], env: dict[str, str]) -> subprocess.Popen:
    return subprocess.Popen(command, stderr=subprocess.PIPE, stdout=subprocess.DEVNULL, text=True, env=env)


def _niceness(pid: int) -> set[int]:
    """Each thread's nice value (field 19 of /proc/PID/task/TID/stat; the name may hold spaces)."""
    found = set()
    for stat in Path(f"/proc/{pid}/task").glob("*/stat"):
        with contextlib.suppress(FileNotFoundError):  # a thread that ended meanwhile
            found.add(int(stat.read_text().rsplit(")", 1)[1].split()[16]))
    return found


async def test_a_worker_runs_below_the_bots_cpu_priority_in_every_thread(tmp_path):
    """A command's reply on a machine shared with the engine waits for the CPU otherwise (make load:
    p99 1.2 s); every thread, the engine's included, takes the worker's niceness."""
    started_at = os.getpriority(os.PRIO_PROCESS, 0)  # a worker inherits this suite's own
    worker = await WorkerProcess(tmp_path, lease_s=5).started()
    try:
        assert _niceness(worker.proc.pid) == {max(10, started_at)}
    finally:
        worker.stop()
    config = tmp_path / "voicebot.toml"
    config.write_text("[engine]\nnice = 0\n")
    worker = await WorkerProcess(tmp_path, lease_s=5, config=config).started()
    try:
        assert _niceness(worker.proc.pid) == {started_at}  # nice = 0: left as started
    finally:
        worker.stop()
