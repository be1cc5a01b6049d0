"""Daily quotas, enforced once in handlers for every way in (here the CLI's use cases)."""

from __future__ import annotations

import pytest

from bot.app import open_context
from bot.config import load_config
from engine.speech.render import SpeechOptions
from handlers import jobs, speech
from handlers.errors import Refusal
from handlers.quotas import Quotas, usage
from tests.voices import submit, uploads


async def test_trainings_and_minutes_of_speech_are_limited_per_day_and_refusals_keep_nothing(tmp_path):
    async with open_context(load_config(data_dir=tmp_path)) as ctx:
        user = await ctx.storage.users.get_or_create("cli", "q")
        ctx.quotas = Quotas(trainings_per_day=1, speech_minutes_per_day=0.02)
        voice_id = (
            await jobs.wait_result(ctx, user.id, (await submit(ctx, user.id, "One", uploads()))["jobId"])
        )["voiceId"]
        with pytest.raises(Refusal) as refused:
            await submit(ctx, user.id, "Two", uploads())
        assert refused.value.code == "quota_exceeded" and "1 trainings a day" in refused.value.message
        assert [v.name for v in await ctx.storage.voices.list(user.id)] == ["One"]  # nothing half-made

        said = await speech.submit_speech(ctx, user.id, voice_id, "A first sentence to say.", SpeechOptions())
        await jobs.wait_result(ctx, user.id, said["jobId"])
        assert (await usage(ctx, user.id)).speech_s > 1.2  # over 0.02 min
        with pytest.raises(Refusal) as refused:
            await speech.submit_batch(ctx, user.id, voice_id, ["More."], SpeechOptions())
        assert refused.value.code == "quota_exceeded" and "0.02 minutes" in refused.value.message
        assert len(await ctx.engine.queue.active(user.id)) == 0

        ctx.quotas = Quotas()  # 0 = no limit
        again = await speech.submit_speech(ctx, user.id, voice_id, "Now it works.", SpeechOptions())
        assert again["status"] == "queued"
