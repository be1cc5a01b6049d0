"""Voice use cases through the composition root: multilingual voices, all-or-nothing creation."""

from __future__ import annotations

import pytest

from bot.app import open_context
from bot.config import load_config
from engine.render import SpeechOptions
from handlers import jobs, speech
from handlers.errors import Refusal
from tests.voices import submit, uploads


async def test_samples_in_two_languages_give_one_voice_that_speaks_both(tmp_path):
    async with open_context(load_config(data_dir=tmp_path)) as ctx:
        user = await ctx.storage.users.get_or_create("cli", "u")
        queued = await submit(
            ctx,
            user.id,
            "both",
            uploads("allison_en", 4, language="en") + uploads("carlo_it", 4, language="it"),
        )
        created = await jobs.wait_result(ctx, user.id, queued["jobId"])
        assert created["languages"] == ["en", "it"]
        for language, text in (("en", "Good morning to you."), ("it", "Buongiorno a tutti.")):
            queued = await speech.submit_speech(
                ctx, user.id, created["voiceId"], text, SpeechOptions(), language
            )
            result = await jobs.wait_result(ctx, user.id, queued["jobId"])
            assert result["duration"] > 0.5


async def test_a_failure_while_preparing_leaves_nothing(tmp_path, monkeypatch):
    async with open_context(load_config(data_dir=tmp_path)) as ctx:
        user = await ctx.storage.users.get_or_create("cli", "u")

        def broken(*args, **kwargs):
            raise RuntimeError("out of memory")

        monkeypatch.setattr(ctx.backend, "prepare", broken)
        ctx.engine.queue.backoff_s = 0.01  # retried up to max_tries, then failed for good
        queued = await submit(ctx, user.id, "v", uploads("allison_en", 8, language="en"))
        with pytest.raises(Refusal) as refused:
            await jobs.wait_result(ctx, user.id, queued["jobId"])
        assert refused.value.code == "internal_error"
        assert (await ctx.engine.status(user.id, queued["jobId"])).attempts == ctx.max_tries
        assert await ctx.storage.voices.list(user.id) == []
        assert not [p for p in (tmp_path / "files").rglob("*") if p.is_file()]
        assert await ctx.storage.voices.by_name(user.id, "v") is None  # the name is free again


async def test_the_requests_training_options_are_used(tmp_path):
    async with open_context(load_config(data_dir=tmp_path)) as ctx:
        user = await ctx.storage.users.get_or_create("cli", "u")
        queued = await submit(
            ctx, user.id, "strict", uploads("allison_en", 4, language="en"), consistency_threshold=0.999
        )
        created = await jobs.wait_result(ctx, user.id, queued["jobId"])
        flagged = [
            s for s in created["samples"] if any(f["code"] == "different_speaker" for f in s["feedback"])
        ]
        assert len(flagged) == 4  # nobody is 0.999 like the others: the request's threshold applied
