"""Every path to someone's data, tried by another person with the owner's real ids: refused, and
nothing of the owner's changes or shows. Ids are unguessable; no file path comes from user text."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from bot.app import open_context
from bot.config import load_config
from engine.speech.render import SpeechOptions
from handlers import buttons, chat_manage, jobs, privacy, receipts, speech, voices
from handlers.chat import Action, Sender
from handlers.errors import Refusal
from handlers.provenance import verify
from storage.files import FileStore
from storage.ids import new_id
from tests.voices import submit, uploads

OWNER = Sender("telegram", "101", "101", "en")
INTRUDER = Sender("telegram", "102", "102", "en")


async def _refused(call) -> Refusal:
    with pytest.raises(Refusal) as refused:
        await call
    return refused.value


async def test_another_person_reaches_nothing_of_the_owners(tmp_path):
    async with open_context(load_config(data_dir=tmp_path)) as ctx:
        owner = await ctx.storage.users.get_or_create("telegram", "101")
        intruder = await ctx.storage.users.get_or_create("telegram", "102")
        for user in (owner, intruder):
            await ctx.storage.consents.accept(user.id, "2026-11", "h", "test")
        voice_id = (
            await jobs.wait_result(ctx, owner.id, (await submit(ctx, owner.id, "Mine", uploads()))["jobId"])
        )["voiceId"]
        (sample,) = (await ctx.storage.samples.list(owner.id, voice_id))[:1]
        said = await speech.submit_speech(ctx, owner.id, voice_id, "Only mine.", SpeechOptions())
        made = Path((await jobs.wait_result(ctx, owner.id, said["jobId"]))["path"])
        queued = await speech.submit_speech(ctx, owner.id, voice_id, "Waiting in line.", SpeechOptions())
        before = (await ctx.storage.voices.get(owner.id, voice_id)).expires_at

        # The use cases every adapter calls (API-shaped ones and chat ones), with the owner's ids.
        for call in (
            speech.submit_speech(ctx, intruder.id, voice_id, "Stolen.", SpeechOptions()),
            speech.submit_batch(ctx, intruder.id, voice_id, ["Stolen."], SpeechOptions()),
            speech.say_in_chat(ctx, INTRUDER, "Stolen.", None, voice=voice_id),
            voices.voice_status(ctx, intruder.id, voice_id),
            voices.delete_voice(ctx, intruder.id, voice_id),
            voices.renew_voice(ctx, intruder.id, voice_id),
            jobs.job_status(ctx, intruder.id, queued["jobId"]),
            jobs.cancel_job(ctx, intruder.id, queued["jobId"]),
        ):
            assert (await _refused(call)).code == "not_found"
        for action in (  # the buttons, whose data a client can forge
            Action.of("delete", voice_id, "yes"),
            Action.of("renew", voice_id),
            Action.of("sample", sample.id),
            Action.of("cancel", queued["jobId"]),
            Action.of("tier", voice_id, "premium"),
            Action.of("set", "voice", voice_id),
        ):
            reply = await buttons.press(ctx, INTRUDER, action)
            assert "Mine" not in reply.text and voice_id not in reply.text, action
        for chat_call in (
            chat_manage.status(ctx, INTRUDER, voice_id),
            chat_manage.renew(ctx, INTRUDER, voice_id),
            chat_manage.delete(ctx, INTRUDER, voice_id, confirmed=True),
            chat_manage.remove_sample(ctx, INTRUDER, sample.id),
            chat_manage.cancel(ctx, INTRUDER, queued["jobId"]),
        ):
            try:
                reply = await chat_call
            except Refusal as exc:
                reply = exc
            text = getattr(reply, "text", None) or reply.message
            assert "Mine" not in text and voice_id not in text

        # What is shown about a person: theirs only.
        assert "voiceId" not in await verify(ctx, made, intruder.id)
        assert (await receipts.usage(ctx, INTRUDER)).text.startswith("Your voices have not been used")
        data, files = await privacy.gather(ctx, intruder.id)
        assert (
            data["voices"] == data["samples"] == data["receipts"] == data["voiceConsents"] == [] and not files
        )
        assert [v["voiceId"] for v in (await voices.list_voices(ctx, intruder.id))["voices"]] == []
        assert await ctx.storage.voice_consents.get(intruder.id, voice_id) is None

        # And the owner's things are as they were.
        assert (await ctx.storage.voices.get(owner.id, voice_id)).expires_at == before
        assert await ctx.storage.samples.get(owner.id, sample.id) is not None
        assert (await jobs.job_status(ctx, owner.id, queued["jobId"]))["status"] in (
            "queued",
            "running",
            "succeeded",
        )
        assert made.exists()  # noqa: ASYNC240 — a test looking at one file


def test_ids_are_unguessable_and_paths_never_come_from_what_people_type(tmp_path):
    ids = {new_id("voice") for _ in range(2000)}
    assert len(ids) == 2000 and all(
        re.fullmatch(r"voice_[0-9a-f]{12}_[0-9a-f]{12}", i) for i in ids
    )  # 96 bits
    files = FileStore(tmp_path)
    for hostile in ("../../etc/passwd", "a/b", "..", "x y", "", "voice_1\x00", "C:\\win"):
        for make in (
            lambda v: files.sample_path(1, v),
            lambda v: files.voice_dir(1, v),
            lambda v: files.output_path(1, v, "mp3"),
            lambda v: files.consent_path(1, v),
            lambda v: files.export_path(1, v),
        ):
            with pytest.raises(ValueError):
                make(hostile)
    with pytest.raises(ValueError):
        files.output_path(1, "gen_x", "../mp3")
    assert files.sample_path(1, "sample_ab").resolve().is_relative_to(tmp_path.resolve())
