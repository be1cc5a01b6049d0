"""kill -9 of a real worker process in the middle of speech and of a batch: a second worker ends
each job once, a batch resumes where it was (its checkpoint is kept item by item), and every text
has one receipt and one file, whatever the tries."""

from __future__ import annotations

import asyncio
import json
import signal
from collections import Counter

from engine.jobs.queue import Claim
from engine.speech.render import SpeechOptions
from handlers import speech
from storage.db import fetch_one
from tests.audio import clips
from tests.engine.jobs.test_worker_process import WorkerProcess, _submit_voice, caller

SENTENCE = "The quiet river carried the small boat past the old mill and the sleeping town. "


async def _until(ctx, owner_id: int, job_id: str, seen) -> None:
    async with asyncio.timeout(180):
        async for event in ctx.engine.watch(owner_id, job_id):
            if seen(event):
                return


async def _killed_then_finished(ctx, tmp_path, first: WorkerProcess, owner_id: int, job_id: str, seen):
    """``first`` (running) is killed once the job shows ``seen``; a new worker finishes it and is
    returned, still running."""
    await _until(ctx, owner_id, job_id, seen)
    first.proc.send_signal(signal.SIGKILL)
    first.stop()
    assert (await ctx.engine.status(owner_id, job_id)).status == "running"  # killed mid-job
    second = await WorkerProcess(tmp_path, lease_s=2).started()
    async with asyncio.timeout(180):
        final = await ctx.engine.wait(owner_id, job_id)
    assert final.status == "succeeded" and final.attempts == 2, final
    events = await ctx.engine.queue.events(job_id)
    types = Counter(e.type for e in events)
    assert types["done"] == 1 and types["started"] == 2 and types["requeued"] == 1
    return final, events, second


class _Run:
    """A job as a runner sees it, without a queue: what a second try of the same claim gets."""

    def __init__(self, claim):
        self.job, self.checkpoint = claim, None

    async def check(self) -> None: ...
    def should_stop(self) -> bool:
        return False

    async def step(self, name: str, percent: float) -> None: ...
    async def take_turns(self) -> None: ...
    async def emit(self, type: str, data) -> None: ...


async def test_kill_9_during_speech_and_during_a_batch(tmp_path):
    async with caller(tmp_path) as ctx:
        user = await ctx.storage.users.get_or_create("cli", "u")
        made = await _submit_voice(ctx, user.id, "v", clips("allison_en")[:4])
        workers = [await WorkerProcess(tmp_path, lease_s=2).started()]  # the last one is running
        try:
            async with asyncio.timeout(180):
                assert (await ctx.engine.wait(user.id, made)).status == "succeeded"
            voice_id = (await ctx.storage.voices.list(user.id))[0].id
            options = SpeechOptions(output_format="wav")

            # Speech: killed once its first sentence streamed.
            queued = await speech.submit_speech(ctx, user.id, voice_id, SENTENCE * 12, options)
            final, _, next_one = await _killed_then_finished(
                ctx, tmp_path, workers[-1], user.id, queued["jobId"], lambda e: e.type == "chunk"
            )
            workers.append(next_one)
            (receipt,) = await ctx.storage.generations.for_owner(user.id)
            assert receipt.job_id == queued["jobId"] and final.result["generationId"] == receipt.id

            # A batch of eight: killed while its third item is spoken, resumed there.
            texts = [f"Item {n}. {SENTENCE * 3}" for n in range(1, 9)]
            queued = await speech.submit_batch(ctx, user.id, voice_id, texts, options)
            third = 100.0 * 2 / len(texts)
            final, events, next_one = await _killed_then_finished(
                ctx, tmp_path, workers[-1], user.id, queued["jobId"],
                lambda e: e.type == "progress" and e.data["percent"] >= third,
            )  # fmt: skip
            workers.append(next_one)
        finally:
            for worker in workers:
                worker.stop()
        requeued = [e.type for e in events].index("requeued")
        after = [e for e in events[requeued:] if e.type == "progress"]
        assert after and after[0].data["percent"] >= third, after[:3]  # not begun again from the first
        items = final.result["items"]
        assert len(items) == len(texts) == len({i["generationId"] for i in items})
        receipts = await ctx.storage.generations.for_owner(user.id)
        assert sorted(g.id for g in receipts if g.job_id == queued["jobId"]) == sorted(
            i["generationId"] for i in items
        )
        outputs = list((tmp_path / "files" / "outputs").rglob("*.wav"))
        assert len(outputs) == 1 + len(texts)  # the speech's and the batch's: no file of a lost try

        # Killed after an item's receipt but before its checkpoint was kept: the next try makes that
        # item again under the same receipt and file (a claim run twice from its start here).
        queued = await speech.submit_batch(ctx, user.id, voice_id, ["One.", "Two.", "Three."], options)
        row = await fetch_one(ctx.storage.conn, "SELECT payload FROM jobs WHERE id = ?", (queued["jobId"],))
        claim = Claim(queued["jobId"], user.id, "batch", voice_id, json.loads(row["payload"]), 1, 3, None)
        first, again = [await speech.run_batch(ctx, _Run(claim)) for _ in range(2)]
        assert [i["generationId"] for i in first["items"]] == [i["generationId"] for i in again["items"]]
        assert [i["path"] for i in first["items"]] == [i["path"] for i in again["items"]]
        receipts = await ctx.storage.generations.for_owner(user.id)
        assert len([g for g in receipts if g.job_id == queued["jobId"]]) == 3
        assert len(list((tmp_path / "files" / "outputs").rglob("*.wav"))) == 1 + len(texts) + 3
