"""The job queue suite: what any implementation of ``engine.jobs.queue.JobQueue`` must do, through
the protocol only, with the worker loop and stand-in runners: order, fairness, retries, cancel,
limits, leases, graceful stop, delivery. Each implementation is one entry of ``IMPLEMENTATIONS``
(SQLite today, on real files); every wait bounded."""

from __future__ import annotations

import asyncio
import json
from contextlib import asynccontextmanager

import pytest

from engine.jobs.client import EngineClient
from engine.jobs.postgres import PostgresQueue
from engine.jobs.queue import JobSpec, QueueError
from engine.jobs.sqlite import SqliteQueue
from engine.jobs.worker import Worker
from storage import Storage
from storage.db import fetch_one
from storage.voices import VoiceRepo
from tests.postgres import fresh_database


@asynccontextmanager
async def _sqlite(tmp_path, request, **options):
    """A queue, two owners, and how the implementation keeps a job's payload (to check that no text
    outlives the job)."""
    async with Storage.open(tmp_path) as st:
        a = await st.users.get_or_create("cli", "a")
        b = await st.users.get_or_create("cli", "b")

        async def stored_payload(job_id: str) -> str:
            row = await fetch_one(st.conn, "SELECT payload FROM jobs WHERE id = ?", (job_id,))
            return row[0]

        yield SqliteQueue(st.conn, backoff_s=0.01, **options), a.id, b.id, stored_payload


@asynccontextmanager
async def _postgres(tmp_path, request, **options):
    """The pool's queue: our records in a fresh PostgreSQL database, brokered by Procrastinate."""
    url = fresh_database(request.getfixturevalue("postgres_server"))
    async with Storage.open(tmp_path, url) as st:
        a = await st.users.get_or_create("cli", "a")
        b = await st.users.get_or_create("cli", "b")

        async def stored_payload(job_id: str) -> str:
            row = await fetch_one(st.conn, "SELECT payload FROM jobs WHERE id = ?", (job_id,))
            return row[0]

        queue = PostgresQueue(st.conn, url, backoff_s=0.01, **options)
        await queue.open()
        try:
            yield queue, a.id, b.id, stored_payload
        finally:
            await queue.close()


IMPLEMENTATIONS = {"sqlite": _sqlite, "postgresql": _postgres}
_OWNERS: dict[int, tuple[int, ...]] = {}  # queue -> its test owners, for drain's idle check


@pytest.fixture(params=sorted(IMPLEMENTATIONS))
def opened(request):
    @asynccontextmanager
    async def open_one(tmp_path, **options):
        async with IMPLEMENTATIONS[request.param](tmp_path, request, **options) as (q, a, b, payload):
            _OWNERS[id(q)] = (a, b)
            try:
                yield q, a, b, payload
            finally:
                _OWNERS.pop(id(q), None)

    return open_one


class Refused(Exception):
    def __init__(self) -> None:
        super().__init__("bad input")
        self.code, self.message = "bad_input", "That sample is not audio."


def recorder(order: list[str]):
    async def run(job):
        order.append(job.job.id)
        await job.step("working", 50.0)
        return {"ok": job.job.id}

    return {"train": run, "speak": run, "batch": run}


async def drain(queue, runners, **options) -> Worker:
    worker = Worker(queue, runners, poll_s=0.02, register=False, **options)

    async def idle() -> None:
        while True:
            pending = [await queue.active(owner) for owner in _OWNERS[id(queue)]]
            if not any(pending):
                worker.stop()
                return
            await asyncio.sleep(0.02)

    async with asyncio.timeout(30):
        await asyncio.gather(worker.run(), idle())
    return worker


async def test_a_retried_request_is_one_job(tmp_path, opened):
    async with opened(tmp_path) as (q, a, _, _st):
        first = await q.submit(JobSpec("speak", a, {"text": "hi"}, idempotency_key="msg-1"))
        again = await q.submit(JobSpec("speak", a, {"text": "hi"}, idempotency_key="msg-1"))
        other = await q.submit(JobSpec("speak", a, {"text": "hi"}, idempotency_key="msg-2"))
        assert first.id == again.id != other.id
        assert [e.type for e in await q.events(first.id)] == ["queued"]


async def test_live_speech_then_speech_then_batch_then_training(tmp_path, opened):
    async with opened(tmp_path) as (q, a, _, _st):
        train = await q.submit(JobSpec("train", a, {}))
        batch = await q.submit(JobSpec("batch", a, {}))
        speak = await q.submit(JobSpec("speak", a, {}))
        live = await q.submit(JobSpec("speak", a, {}, live=True))
        order: list[str] = []
        await drain(q, recorder(order))
        assert order == [live.id, speak.id, batch.id, train.id]


async def test_one_users_fifty_jobs_do_not_starve_another(tmp_path, opened):
    async with opened(tmp_path, max_queued_per_owner=100) as (q, a, b, _st):
        many = [await q.submit(JobSpec("speak", a, {"n": i})) for i in range(50)]
        single = await q.submit(JobSpec("speak", b, {}))
        order: list[str] = []
        await drain(q, recorder(order))
        assert order.index(single.id) <= 1  # after at most one of A's
        assert sorted(order) == sorted([j.id for j in many] + [single.id])  # each ran, once


async def test_a_transient_failure_is_retried(tmp_path, opened):
    async with opened(tmp_path) as (q, a, _, _st):
        calls = []

        async def flaky(job):
            calls.append(job.job.attempts)
            if len(calls) == 1:
                raise OSError("disk hiccup")
            return {"ok": True}

        job = await q.submit(JobSpec("speak", a, {}))
        await drain(q, {"speak": flaky})
        done = await q.get(a, job.id)
        assert done.status == "succeeded" and done.attempts == 2 and calls == [1, 2]
        assert [e.type for e in await q.events(job.id)] == [
            "queued",
            "started",
            "requeued",
            "started",
            "done",
        ]


async def test_a_poison_job_ends_failed_with_a_readable_error(tmp_path, opened):
    async with opened(tmp_path) as (q, a, _, _st):

        async def poison(job):
            raise ZeroDivisionError("boom")

        async def refuse(job):
            raise Refused

        crashing = await q.submit(JobSpec("speak", a, {}, max_tries=3))
        refused = await q.submit(JobSpec("train", a, {}))
        await drain(q, {"speak": poison, "train": refuse})
        failed = await q.get(a, crashing.id)
        assert failed.status == "failed" and failed.attempts == 3
        assert failed.error_code == "internal_error" and "internal error (ZeroDivisionError)" in failed.error
        refusal = await q.get(a, refused.id)  # a refusal is not worth retrying
        assert (refusal.status, refusal.attempts, refusal.error) == ("failed", 1, "That sample is not audio.")


async def test_owner_cancels_queued_and_running_jobs_but_not_anothers(tmp_path, opened):
    async with opened(tmp_path) as (q, a, b, _st):
        started = asyncio.Event()
        steps = []

        async def long(job):
            started.set()
            for i in range(1000):
                steps.append(i)
                await job.step("working", i / 10)
                await asyncio.sleep(0.01)
            return {}

        running = await q.submit(JobSpec("speak", a, {}))
        waiting = await q.submit(JobSpec("speak", a, {}))
        with pytest.raises(QueueError) as other:
            await q.cancel(b, waiting.id)
        assert other.value.code == "not_found"
        assert (await q.cancel(a, waiting.id)).status == "cancelled"
        worker = Worker(q, {"speak": long}, poll_s=0.02, lease_s=0.3, register=False)
        task = asyncio.create_task(worker.run())
        async with asyncio.timeout(10):
            await started.wait()
            await q.cancel(a, running.id)  # noticed with the next lease renewal (0.1 s here)
            assert (await EngineClient(q, poll_s=0.02).wait(a, running.id)).status == "cancelled"
        worker.stop()
        await asyncio.wait_for(task, 10)
        assert len(steps) < 1000
        assert (await q.get(a, waiting.id)).started_at is None  # never ran


async def test_per_owner_limit(tmp_path, opened):
    async with opened(tmp_path, max_queued_per_owner=3) as (q, a, b, _st):
        first = await q.submit(JobSpec("speak", a, {}, idempotency_key="k1"))
        for i in range(2):
            await q.submit(JobSpec("speak", a, {"n": i}))
        with pytest.raises(QueueError) as full:
            await q.submit(JobSpec("speak", a, {}))
        assert full.value.code == "queue_full" and "3 jobs" in full.value.message
        assert (await q.submit(JobSpec("speak", a, {}, idempotency_key="k1"))).id == first.id
        await q.submit(JobSpec("speak", b, {}))  # others are not affected


async def test_a_job_whose_worker_vanished_is_requeued_and_the_old_worker_cannot_finish_it(tmp_path, opened):
    async with opened(tmp_path) as (q, a, _, _st):
        job = await q.submit(JobSpec("train", a, {}))
        claim = await q.claim("dead-worker", ("train",), lease_s=0.2)
        assert claim.id == job.id and await q.claim("other", ("train",), 0.2) is None  # held
        await asyncio.sleep(0.3)
        assert await q.reap() == 1
        order: list[str] = []
        await drain(q, recorder(order))
        assert order == [job.id]
        assert not await q.complete(job.id, "dead-worker", {"late": True})
        done = await q.get(a, job.id)
        assert done.status == "succeeded" and done.result == {"ok": job.id} and done.attempts == 2


async def test_graceful_stop_requeues_with_the_checkpoint_and_no_try_used(tmp_path, opened):
    async with opened(tmp_path) as (q, a, _, _st):
        seen = []

        async def resumable(job):
            start = (job.checkpoint or {}).get("next", 0)
            seen.append(start)
            for i in range(start, 5):
                await job.step("item", i * 20)
                if i == 2 and len(seen) == 1:
                    worker.stop()
                job.checkpoint = {"next": i + 1}
            return {"from": start}

        job = await q.submit(JobSpec("batch", a, {}))
        worker = Worker(q, {"batch": resumable}, poll_s=0.02, register=False)
        await asyncio.wait_for(worker.run(), 10)
        stopped = await q.get(a, job.id)
        assert stopped.status == "queued" and stopped.attempts == 0
        await drain(q, {"batch": resumable})
        done = await q.get(a, job.id)
        assert seen == [0, 3] and done.result == {"from": 3} and done.attempts == 1


async def test_position_eta_delivery_and_no_text_kept(tmp_path, opened):
    async with opened(tmp_path) as (q, a, b, stored_payload):
        client = EngineClient(q, poll_s=0.02)
        chat = {"platform": "telegram", "chat": "5", "locale": "en", "as": "voice"}
        jobs = [await q.submit(JobSpec("speak", a, {"text": f"secret {i}"}, reply_to=chat)) for i in range(3)]
        assert [j.position for j in jobs] == [0, 1, 2] and jobs[0].eta_s is None  # nothing measured yet

        async def slow(job):
            await asyncio.sleep(0.05)
            return {"ok": True}

        await drain(q, {"speak": slow})
        later = [await q.submit(JobSpec("speak", b, {})) for _ in range(2)]
        state = await client.status(b, later[1].id)
        assert state.position == 1 and 0.05 <= state.eta_s < 5  # two measured jobs' worth
        assert state.progress_json()["queuePosition"] == 1
        assert "secret" not in await stored_payload(jobs[0].id)
        assert [j.id for j in await q.awaiting_delivery("telegram")] == [j.id for j in jobs]
        assert await q.mark_delivered(a, jobs[0].id) and not await q.mark_delivered(a, jobs[0].id)
        assert not await q.mark_delivered(b, jobs[1].id)  # not b's
        assert jobs[0].id not in [j.id for j in await q.awaiting_delivery("telegram")]
        events = [e.type async for e in client.watch(a, jobs[1].id)]
        assert events == ["queued", "started", "done"]


async def test_a_long_batch_gives_way_to_another_users_job_between_items(tmp_path, opened):
    async with opened(tmp_path) as (q, a, b, _st):
        order: list[str] = []
        other: list = []

        async def batch(job):
            items = list((job.checkpoint or {}).get("items", []))
            resumed_at = len(items)
            for i in range(resumed_at, 50):
                if i > resumed_at:
                    await job.take_turns()
                if i == 3 and not other:  # B asks for a batch of its own meanwhile
                    other.append(await q.submit(JobSpec("batch", b, {})))
                order.append(f"a{i}")
                items.append(i)
                job.checkpoint = {"items": items}
            return {"count": len(items)}

        async def single(job):
            order.append("b")
            return {}

        runners = {"batch": lambda job: batch(job) if job.job.owner_id == a else single(job)}
        big = await q.submit(JobSpec("batch", a, {}))
        await drain(q, runners)
        assert order.index("b") == order.index("a3") + 1  # right after the item in progress
        assert [x for x in order if x != "b"] == [f"a{i}" for i in range(50)]  # nothing redone
        done = await q.get(a, big.id)
        assert done.result == {"count": 50} and done.attempts == 1


async def test_a_waiting_caller_serves_the_queue_only_when_no_worker_does(tmp_path, opened):
    async with opened(tmp_path) as (q, a, _, _st):
        order: list[str] = []
        client = EngineClient(q, poll_s=0.02, local_runners=recorder(order))
        await q.register_worker("worker_elsewhere", ("speak",))  # a live worker holds the queue
        job = await q.submit(JobSpec("speak", a, {}))
        with pytest.raises(TimeoutError):
            async with asyncio.timeout(0.5):
                await client.wait(a, job.id, drive=True)
        assert order == [] and (await q.get(a, job.id)).status == "queued"  # left to that worker
        await q.unregister_worker("worker_elsewhere")
        async with asyncio.timeout(10):
            done = await client.wait(a, job.id, drive=True)
        assert done.status == "succeeded" and order == [job.id]  # served here


async def test_chat_jobs_await_delivery_by_platform_and_jobs_are_counted_per_day(tmp_path, opened):
    async with opened(tmp_path) as (q, a, b, _st):
        telegram = {"platform": "telegram", "chat": "5", "locale": "en", "as": "voice"}
        chat = await q.submit(JobSpec("speak", a, {"text": "hi"}, reply_to=telegram))
        await q.submit(JobSpec("speak", a, {"text": "cli"}))  # no chat: nothing to deliver
        await q.submit(JobSpec("train", b, {}, reply_to=telegram | {"platform": "discord"}))
        waiting = await q.awaiting_delivery("telegram")
        assert [j.id for j in waiting] == [chat.id] and waiting[0].reply_to == telegram  # running or not
        await drain(q, {"speak": lambda job: _ok(), "train": lambda job: _ok()})
        assert [j.id for j in await q.awaiting_delivery("telegram")] == [chat.id]
        assert await q.mark_delivered(a, chat.id)
        assert await q.awaiting_delivery("telegram") == []
        assert [j.kind for j in await q.awaiting_delivery("discord")] == ["train"]
        assert await q.submitted_since(a, "speak", "2000-01-01") == 2
        assert await q.submitted_since(a, "speak", "2999-01-01") == 0
        assert await q.submitted_since(b, "train", "2000-01-01") == 1


async def _ok() -> dict:
    return {"ok": True}


async def test_speech_has_slots_of_its_own_beside_a_training(tmp_path, opened):
    """With ``streams``, speech jobs run at once (here each waits for the others to start) and beside
    a training that waits for them: with one slot for everything, this would never finish."""
    async with opened(tmp_path) as (q, a, b, _st):
        started: list[str] = []
        all_speaking = asyncio.Event()
        spoken = asyncio.Event()

        async def speak(job):
            started.append(job.job.id)
            if len(started) == 3:
                all_speaking.set()
            await all_speaking.wait()
            return {"ok": True}

        async def train(job):
            await spoken.wait()  # a training holds its slot while the speech goes by
            return {"ok": True}

        training = await q.submit(JobSpec("train", a, {}))
        speech = [(owner, await q.submit(JobSpec("speak", owner, {}))) for owner in (a, b, b)]
        client = EngineClient(q, poll_s=0.02)
        worker = Worker(q, {"speak": speak, "train": train}, poll_s=0.02, register=False, streams=3)
        serving = asyncio.create_task(worker.run())
        try:
            async with asyncio.timeout(30):
                for owner, job in speech:
                    assert (await client.wait(owner, job.id)).status == "succeeded"
                assert (await q.get(a, training.id)).status == "running"
                spoken.set()
                assert (await client.wait(a, training.id)).status == "succeeded"
        finally:
            worker.stop()
            await asyncio.wait_for(serving, 10)
        assert sorted(started) == sorted(job.id for _, job in speech)


async def test_speech_waits_a_moment_for_the_worker_that_has_its_voice_loaded(tmp_path, opened):
    """A worker reports the voices it has loaded while it has a speech slot free; another worker
    leaves new speech in those voices to it (``warm_s``), takes any other job, and takes that speech
    too once it has waited long enough, or once the warm worker is busy or gone."""
    async with opened(tmp_path) as (q, a, _b, _st):
        voices = VoiceRepo(q._conn)
        warm, cold = [(await voices.create(a, n, ["en"], "instant", "embedded", 90)).id for n in ("w", "c")]
        kinds = ("speak", "train")
        await q.register_worker("worker_warm", kinds, (warm,))
        await q.register_worker("worker_cold", kinds, ())
        first = await q.submit(JobSpec("speak", a, {}, voice_id=warm))
        other = await q.submit(JobSpec("speak", a, {}, voice_id=cold))
        assert (await q.claim("worker_cold", kinds, 30)).id == other.id  # its own turn comes first
        assert await q.claim("worker_cold", kinds, 30) is None  # left to the worker that has it
        assert (await q.claim("worker_warm", kinds, 30)).id == first.id

        second = await q.submit(JobSpec("speak", a, {}, voice_id=warm))
        await q.register_worker("worker_warm", kinds, ())  # busy now: no free slot
        assert (await q.claim("worker_cold", kinds, 30)).id == second.id

        await q.register_worker("worker_warm", kinds, (warm,))
        third = await q.submit(JobSpec("speak", a, {}, voice_id=warm))
        q.warm_s = 0.0  # it has waited as long as it may
        assert (await q.claim("worker_cold", kinds, 30)).id == third.id


async def test_a_worker_reports_its_loaded_voices_only_while_it_could_speak(tmp_path, opened):
    async with opened(tmp_path) as (q, a, _b, _st):
        voice = (await VoiceRepo(q._conn).create(a, "v", ["en"], "instant", "embedded", 90)).id
        release = asyncio.Event()

        async def speak(job):
            await release.wait()
            return {"ok": True}

        worker = Worker(q, {"speak": speak}, poll_s=0.02, streams=1, loaded=lambda: [voice])

        async def reported(voices: list[str]) -> None:
            while True:
                row = await fetch_one(q._conn, "SELECT voices FROM workers WHERE id = ?", (worker.id,))
                if row is not None and json.loads(row[0]) == voices:
                    return
                await asyncio.sleep(0.02)

        serving = asyncio.create_task(worker.run())
        try:
            async with asyncio.timeout(30):
                await reported([voice])
                job = await q.submit(JobSpec("speak", a, {}, voice_id=voice))
                await reported([])  # its one speech slot is taken
                release.set()
                assert (await EngineClient(q, poll_s=0.02).wait(a, job.id)).status == "succeeded"
                await reported([voice])
        finally:
            worker.stop()
            await asyncio.wait_for(serving, 10)


async def test_the_clock_set_back_or_forward_leaves_leases_and_retries_right(tmp_path, opened, monkeypatch):
    """The host's clock jumps (NTP, a VM resumed): set back a day, a dead worker's job is still
    requeued within the longest lease and a retry waits no longer than its backoff; set forward an
    hour, a live worker's job is requeued and its late result refused, so it ends once."""
    import time

    from engine.jobs.records import MAX_LEASE_S

    real, jump = time.time, [0.0]
    monkeypatch.setattr(time, "time", lambda: real() + jump[0])
    async with opened(tmp_path) as (q, a, b, _st):
        dead = await q.submit(JobSpec("train", a, {}))
        assert (await q.claim("dead-worker", ("train",), lease_s=5)).id == dead.id
        retried = await q.submit(JobSpec("train", b, {}))
        assert (await q.claim("live-worker", ("train",), lease_s=5)).id == retried.id
        assert await q.fail(retried.id, "live-worker", "internal_error", "boom", retry=True)  # backoff

        jump[0] = -86_400.0  # a day back
        await q.reap()
        jump[0] += max(MAX_LEASE_S, q.max_backoff_s) + 1  # and time goes on past the longest lease
        assert await q.reap() == 1  # the dead worker's job, not a day later
        order: list[str] = []
        await drain(q, recorder(order))
        assert sorted(order) == sorted([dead.id, retried.id])

        late = await q.submit(JobSpec("train", a, {}))
        assert (await q.claim("slow-worker", ("train",), lease_s=5)).id == late.id
        jump[0] += 3600.0  # an hour forward: its lease looks long gone
        assert await q.reap() == 1
        await drain(q, recorder(order))
        assert not await q.complete(late.id, "slow-worker", {"late": True})
        done = await q.get(a, late.id)
        assert done.status == "succeeded" and done.result == {"ok": late.id}
