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


async def test_a_batch_stops_at_the_days_minutes_and_a_cooldown_spaces_requests(tmp_path):
    async with open_context(load_config(data_dir=tmp_path)) as ctx:
        user = await ctx.storage.users.get_or_create("cli", "b")
        voice_id = (
            await jobs.wait_result(ctx, user.id, (await submit(ctx, user.id, "One", uploads()))["jobId"])
        )["voiceId"]
        # About 1.5 s of speech a text; 0.05 min = 3 s: the third text would pass the day's limit.
        ctx.quotas = Quotas(speech_minutes_per_day=0.05)
        texts = [
            "A first sentence to say.",
            "A second one after it.",
            "A third that goes too far.",
            "And more.",
        ]
        queued = await speech.submit_batch(ctx, user.id, voice_id, texts, SpeechOptions(), locale="fr")
        with pytest.raises(Refusal) as stopped:
            await jobs.wait_result(ctx, user.id, queued["jobId"])
        assert stopped.value.code == "quota_exceeded" and "0.05 minutes de parole" in stopped.value.message
        used = await usage(ctx, user.id)
        assert used.speech_s < 3.0 + 3.0  # stopped at the limit, never a whole batch past it
        assert len(await ctx.storage.generations.for_owner(user.id)) < len(texts)

        ctx.quotas = Quotas(cooldown_s=60)  # the batch was asked for a moment ago: too soon
        with pytest.raises(Refusal) as cooled:
            await speech.submit_speech(ctx, user.id, voice_id, "Too soon.", SpeechOptions(), locale="de")
        assert cooled.value.code == "rate_limited" and "alle 60 s" in cooled.value.message
        ctx.quotas = Quotas()  # no cooldown
        assert (await speech.submit_speech(ctx, user.id, voice_id, "Now.", SpeechOptions()))[
            "status"
        ] == "queued"


async def test_settings_show_what_is_left_today_where_there_is_a_limit(tmp_path):
    from handlers import account, consent
    from handlers.chat import Sender

    async with open_context(load_config(data_dir=tmp_path)) as ctx:
        sender = Sender("telegram", "7", "7", "en")
        await consent.accept(ctx, sender)
        ctx.quotas = Quotas(trainings_per_day=3)
        shown = (await account.show(ctx, sender)).text
        assert "3 trainings left today." in shown and "min of speech left today" not in shown
        ctx.quotas = Quotas(speech_minutes_per_day=2)
        assert "2.0 min of speech left today." in (await account.show(ctx, sender)).text
