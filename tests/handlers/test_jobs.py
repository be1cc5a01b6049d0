"""Jobs as their owner sees them: queued voice status, cancel, and housekeeping's deletions."""

from __future__ import annotations

import time
from datetime import timedelta
from pathlib import Path

import pytest

from bot.app import open_context
from bot.config import load_config
from engine.jobs.queue import JobSpec
from handlers import jobs, voices
from handlers.errors import Refusal
from handlers.maintenance import housekeeping
from storage.db import fetch_one
from storage.ids import iso, now
from tests.audio import clips
from tests.voices import submit


async def _queued_voice(ctx, owner_id: int, name: str) -> dict:
    return await submit(
        ctx, owner_id, name, [voices.Upload(p.name, p.read_bytes()) for p in clips("allison_en")[:4]]
    )


def _files(root) -> list:
    return [p for p in (root / "files").rglob("*") if p.is_file()]


async def test_a_queued_voice_shows_its_place_and_the_owner_can_cancel_it(tmp_path):
    async with open_context(load_config(data_dir=tmp_path)) as ctx:
        me = await ctx.storage.users.get_or_create("cli", "me")
        other = await ctx.storage.users.get_or_create("cli", "other")
        first = await _queued_voice(ctx, me.id, "one")
        second = await _queued_voice(ctx, me.id, "two")
        assert first["status"] == "processing" and first["trainingProgress"]["currentStep"] == "queued"
        status = await voices.voice_status(ctx, me.id, second["voiceId"])
        assert status["jobId"] == second["jobId"] and status["trainingProgress"]["queuePosition"] == 1
        assert len(_files(tmp_path)) == 10  # the uploads, kept for the worker, and the consent readings

        with pytest.raises(Refusal) as refused:
            await jobs.cancel_job(ctx, other.id, first["jobId"])
        assert refused.value.code == "not_found"
        cancelled = await jobs.cancel_job(ctx, me.id, first["jobId"])
        assert cancelled["status"] == "cancelled"
        assert [v["voiceName"] for v in (await voices.list_voices(ctx, me.id))["voices"]] == ["two"]
        assert len(_files(tmp_path)) == 5  # the cancelled voice's uploads and reading are gone
        assert (await jobs.job_status(ctx, me.id, second["jobId"]))["progress"]["queuePosition"] == 0


async def test_a_retried_submission_returns_the_same_voice(tmp_path):
    async with open_context(load_config(data_dir=tmp_path)) as ctx:
        me = await ctx.storage.users.get_or_create("cli", "me")
        uploads = [voices.Upload(p.name, p.read_bytes()) for p in clips("allison_en")[:4]]
        first = await submit(ctx, me.id, "v", uploads, idempotency_key="tg-msg-17")
        again = await submit(ctx, me.id, "v", uploads, idempotency_key="tg-msg-17")
        assert (again["voiceId"], again["jobId"]) == (first["voiceId"], first["jobId"])
        assert len((await voices.list_voices(ctx, me.id))["voices"]) == 1


async def test_housekeeping_removes_old_jobs_abandoned_voices_and_their_files(tmp_path):
    async with open_context(load_config(data_dir=tmp_path)) as ctx:
        me = await ctx.storage.users.get_or_create("cli", "me")
        queue = ctx.engine.queue
        abandoned = await _queued_voice(ctx, me.id, "abandoned")
        # Its worker died on the last try: the job ended failed and nobody cleaned up.
        claim = await queue.claim("gone", ("train",), lease_s=0.0)
        assert claim.id == abandoned["jobId"]
        await ctx.storage.conn.execute("UPDATE jobs SET max_tries = 1 WHERE id = ?", (claim.id,))
        await queue.reap()
        old = await queue.submit(JobSpec("speak", me.id, {"text": "x"}))
        claim = await queue.claim("w", ("speak",), lease_s=30)
        chunk = ctx.storage.files.write(ctx.storage.files.job_dir(me.id, old.id) / "chunk_000.wav", b"x")
        await queue.complete(old.id, "w", {})
        await ctx.storage.conn.execute(
            "UPDATE jobs SET finished_at = ? WHERE id = ?", (time.time() - 8 * 86400, old.id)
        )
        await ctx.storage.conn.commit()

        done = await housekeeping(ctx)
        assert done["abandonedVoices"] == [abandoned["voiceId"]] and done["jobs"] == 1
        assert await ctx.storage.voices.list(me.id) == []
        assert not chunk.exists() and _files(tmp_path) == []
        assert (
            await fetch_one(ctx.storage.conn, "SELECT 1 FROM job_events WHERE job_id = ?", (old.id,)) is None
        )
        assert (await queue.get(me.id, abandoned["jobId"])).status == "failed"  # recent: kept for now


async def test_old_speech_files_go_and_their_receipts_stay(tmp_path):
    from engine.speech.render import SpeechOptions
    from handlers import speech
    from tests.voices import submit, uploads

    async with open_context(load_config(data_dir=tmp_path)) as ctx:
        me = await ctx.storage.users.get_or_create("cli", "me")
        voice = await jobs.wait_result(ctx, me.id, (await submit(ctx, me.id, "v", uploads()))["jobId"])
        said = await speech.submit_speech(ctx, me.id, voice["voiceId"], "An old sentence.", SpeechOptions())
        old = await jobs.wait_result(ctx, me.id, said["jobId"])
        said = await speech.submit_speech(ctx, me.id, voice["voiceId"], "A new one.", SpeechOptions())
        new = await jobs.wait_result(ctx, me.id, said["jobId"])
        (receipt,) = [g for g in await ctx.storage.generations.for_owner(me.id) if g.id in old["path"]]
        before = iso(now() - timedelta(days=ctx.output_retention_days + 1))
        await ctx.storage.conn.execute(
            "UPDATE generations SET created_at = ? WHERE id = ?", (before, receipt.id)
        )
        await ctx.storage.conn.commit()

        done = await housekeeping(ctx)
        gone, kept = Path(old["path"]), Path(new["path"])
        assert done["outputs"] == 1 and not gone.exists() and kept.exists()  # noqa: ASYNC240
        assert len(await ctx.storage.generations.for_owner(me.id)) == 2  # receipts stay
        assert (await housekeeping(ctx))["outputs"] == 0  # once
