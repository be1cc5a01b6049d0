"""A person's own data: their history, and forgetting them with everything they own."""

from __future__ import annotations

from bot.app import open_context
from bot.config import load_config
from engine.speech.render import SpeechOptions
from handlers import jobs, privacy, speech
from tests.voices import submit, uploads


async def test_history_then_forget_leaves_nothing_of_the_person(tmp_path):
    async with open_context(load_config(data_dir=tmp_path)) as ctx:
        me = await ctx.storage.users.get_or_create("cli", "me")
        other = await ctx.storage.users.get_or_create("cli", "other")
        created = await jobs.wait_result(ctx, me.id, (await submit(ctx, me.id, "v", uploads()))["jobId"])
        said = await speech.submit_speech(ctx, me.id, created["voiceId"], "Hello there.", SpeechOptions())
        await jobs.wait_result(ctx, me.id, said["jobId"])
        await ctx.storage.audit.log(other.id, "consent.accepted")
        actions = [e["action"] for e in (await privacy.history(ctx, me.id))["entries"]]
        assert {"voice.submitted", "voice.created", "sample.added"} <= set(actions)

        assert await privacy.forget(ctx, me.id) == {"forgotten": True, "voices": 1, "accounts": 1}
        assert await ctx.storage.users.get(me.id) is None
        assert not [p for p in (tmp_path / "files").rglob("*") if p.is_file()]
        assert (await privacy.history(ctx, me.id))["entries"] == []  # their rows are gone too
        assert [e["action"] for e in (await privacy.history(ctx, other.id))["entries"]] == [
            "consent.accepted"
        ]
