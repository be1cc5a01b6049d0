"""Settings, samples, batch and delivery after a restart, through the real aiogram client and the fake
Bot API (tests/fake_telegram.py)."""

from __future__ import annotations

import asyncio
import io
import json
import zipfile

from engine.audio.decode import Decoded, Limits, decode_bytes
from handlers import jobs
from tests.bot.harness import running
from tests.bot.test_telegram import buttons_of
from tests.fake_telegram import FakeTelegram
from tests.voices import submit, uploads


def _decoded(data: bytes) -> Decoded:
    return decode_bytes(data, 48000, Limits())


def _chat(user: int) -> dict:
    return {"message_id": 1, "date": 0, "chat": {"id": user, "type": "private"}, "text": "…"}


async def _said(fake: FakeTelegram, user: int, text: str, method: str = "sendMessage", **match):
    mark = len(fake.calls)
    await fake.message(user, text)
    return await fake.wait_for(method, after=mark, chat_id=user, **match)


async def _pressed(fake: FakeTelegram, user: int, data: str, method: str = "sendMessage"):
    mark = len(fake.calls)
    await fake.callback(user, _chat(user), data)
    return await fake.wait_for(method, after=mark, chat_id=user)


async def _ready_voice(ctx, user: int, name: str) -> str:
    """A trained voice for the Telegram user ``user`` (consent given on the way)."""
    owner = await ctx.storage.users.get_or_create("telegram", str(user))
    queued = await submit(ctx, owner.id, name, uploads(count=4))
    return (await jobs.wait_result(ctx, owner.id, queued["jobId"]))["voiceId"]


async def test_settings_change_the_reply_language_and_refuse_values_out_of_range(tmp_path):
    async with running(tmp_path) as (fake, ctx):
        shown = await _said(fake, 31, "/settings")
        assert shown.params["text"].startswith("Your settings:")
        assert "• Speed: 1" in shown.params["text"] and "• Reply as: voice note" in shown.params["text"]
        assert "set:language" in buttons_of(shown)

        offered = await _pressed(fake, 31, "set:language")
        assert "set:language:fr" in buttons_of(offered) and "set:language:auto" in buttons_of(offered)
        saved = await _pressed(fake, 31, "set:language:fr")
        assert saved.params["text"].startswith("Enregistré.")
        helped = await _said(fake, 31, "/help")  # the app still says English; the choice wins
        assert helped.params["text"].startswith("/start – consentement")

        refused = await _said(fake, 31, "/settings speed 3")
        assert refused.params["text"] == "Vitesse doit être entre 0.5 et 2.0."
        refused = await _said(fake, 31, "/settings pitch loud")
        assert refused.params["text"] == "Hauteur (demi-tons) doit être entre −12 et +12."
        refused = await _said(fake, 31, "/settings volume 3")
        assert refused.params["text"].startswith("Réglage inconnu")
        user = await ctx.storage.users.get_or_create("telegram", "31")
        assert user.settings == {"language": "fr"}  # nothing saved from the refusals

        saved = await _said(fake, 31, "/settings speed 1,5")
        assert "• Vitesse : 1.5" in saved.params["text"] or "• Vitesse: 1.5" in saved.params["text"]
        await _said(fake, 31, "/settings language auto")
        user = await ctx.storage.users.get_or_create("telegram", "31")
        assert user.settings == {"speed": 1.5}
        assert (await _said(fake, 31, "/help")).params["text"].startswith("/start – consent and")


async def test_speech_follows_the_chosen_voice_format_and_options(tmp_path):
    async with running(tmp_path, worker=True, within=240) as (fake, ctx):
        first = await _ready_voice(ctx, 32, "First")
        await _ready_voice(ctx, 32, "Second")  # the newest: used unless another is chosen
        offered = await _pressed(fake, 32, "set:voice")
        assert f"set:voice:{first}" in buttons_of(offered)
        await _pressed(fake, 32, f"set:voice:{first}")
        await _said(fake, 32, "/settings format wav")
        await _said(fake, 32, "/settings rate 22050")
        await _said(fake, 32, "/settings pitch -2")

        sent = await _said(fake, 32, "Good morning to you.", "sendDocument")
        decoded = _decoded(sent.files["document"])
        assert (decoded.probe.codec, decoded.probe.source_rate) == ("pcm_s16le", 22050)
        assert 0.5 < decoded.duration < 5
        owner = await ctx.storage.users.get_or_create("telegram", "32")
        receipts = await ctx.storage.generations.for_voice(owner.id, first)
        assert [(g.format, g.sample_rate) for g in receipts] == [("wav", 22050)]

        await _said(fake, 32, "/settings format mp3")
        sent = await _said(fake, 32, "And good night.", "sendAudio")
        assert _decoded(sent.files["audio"]).probe.codec == "mp3"


async def test_samples_are_listed_and_the_owner_removes_one(tmp_path):
    from tests.audio import clips, code_in, reading

    async with running(tmp_path) as (fake, ctx):
        owner = await ctx.storage.users.get_or_create("telegram", "33")
        await ctx.storage.consents.accept(owner.id, "2026-11", "x", "test")
        asked = await _said(fake, 33, "/newvoice Mine")
        tier = next(b for b in buttons_of(asked) if b.endswith(":standard"))
        challenge = await _pressed(fake, 33, tier)
        mark = len(fake.calls)  # Allison reads the code first
        await fake.voice(33, reading(code_in(challenge.params["text"]), tmp_path).read_bytes(), duration=9)
        await fake.wait_for("sendMessage", after=mark, chat_id=33)
        for path in clips("allison_en")[:2]:
            mark = len(fake.calls)
            await fake.voice(33, path.read_bytes(), duration=3)
            await fake.wait_for("sendMessage", after=mark, chat_id=33)

        listed = await _said(fake, 33, "/samples")
        assert listed.params["text"].startswith("Samples of “Mine”")
        assert "1. " in listed.params["text"] and "The quick brown fox" in listed.params["text"]
        removes = buttons_of(listed)
        assert len(removes) == 2 and all(b.startswith("sample:") for b in removes)

        refused = await _pressed(fake, 34, removes[0])  # someone else
        assert refused.params["text"] == "No such sample in the voice you are collecting."
        voice = (await ctx.storage.voices.list(owner.id))[0]
        assert len(await ctx.storage.samples.list(owner.id, voice.id)) == 2

        removed = await _pressed(fake, 33, removes[0])
        assert removed.params["text"].startswith("Removed.")
        left = await ctx.storage.samples.list(owner.id, voice.id)
        assert [s.id for s in left] == [removes[1].split(":", 1)[1]]
        folder = ctx.storage.files.voice_dir(owner.id, voice.id)
        assert removes[0].split(":", 1)[1] not in " ".join(p.name for p in folder.rglob("*"))


async def test_batch_in_chat_comes_back_as_one_zip(tmp_path):
    async with running(tmp_path, worker=True, within=240) as (fake, ctx):
        await _ready_voice(ctx, 35, "Batch")
        refused = await _said(fake, 35, "/batch")
        assert refused.params["text"] == "Put the texts after /batch, one per line."
        queued = await _said(fake, 35, "/batch First line.\nSecond line.\n\nThird line.")
        assert queued.params["text"].startswith("3 texts queued")
        mark = fake.calls.index(queued)
        sent = await fake.wait_for("sendDocument", after=mark, chat_id=35)
        assert sent.params["caption"] == "3 files, spoken in your voice."
        with zipfile.ZipFile(io.BytesIO(sent.files["document"])) as archive:
            names = archive.namelist()
            assert names == ["speech_001.ogg", "speech_002.ogg", "speech_003.ogg"]
            assert _decoded(archive.read(names[0])).probe.codec == "opus"


async def test_a_result_that_finished_while_the_bot_was_down_is_delivered_once_after_restart(tmp_path):
    from bot.app import open_context
    from bot.config import load_config

    async with running(tmp_path, within=240) as (fake, ctx):  # no worker: the job waits
        voice_id = await _ready_voice(ctx, 36, "Later")
        mark = len(fake.calls)
        await fake.message(36, "Say this while I am away.")
        await fake.wait_for("sendChatAction", after=mark, chat_id=36)
        owner = await ctx.storage.users.get_or_create("telegram", "36")
        job = (await ctx.engine.queue.active(owner.id))[0]
        expected = {"platform": "telegram", "chat": "36", "user": "36", "locale": "en", "as": "voice"}
        assert job.reply_to == expected
    # The bot is down; a worker finishes the job.
    async with open_context(load_config(data_dir=tmp_path)) as ctx:
        done = await ctx.engine.wait(owner.id, job.id, drive=True)
        assert done.status == "succeeded" and done.voice_id == voice_id
        assert [j.id for j in await ctx.engine.queue.awaiting_delivery("telegram")] == [job.id]

    async with running(tmp_path) as (fake, ctx):  # back up: delivered without being asked
        sent = await fake.wait_for("sendVoice", chat_id=36)
        assert _decoded(sent.files["voice"]).probe.codec == "opus"
        for _ in range(200):  # marked once the send went through (bounded: 10 s)
            if not await ctx.engine.queue.awaiting_delivery("telegram"):
                break
            await asyncio.sleep(0.05)
        else:
            raise AssertionError("the delivered job was not marked delivered")
    async with running(tmp_path) as (fake, _ctx):  # and only once
        await fake.message(36, "/help")
        await fake.wait_for("sendMessage", chat_id=36)
        assert not [c for c in fake.calls if c.method == "sendVoice"]


async def test_quotas_refuse_speech_and_training_over_the_daily_limit_in_the_persons_language(tmp_path):
    from handlers.quotas import Quotas

    async with running(tmp_path, worker=True, within=240) as (fake, ctx):
        await _ready_voice(ctx, 37, "Quota")
        ctx.quotas = Quotas(trainings_per_day=1, speech_minutes_per_day=0.01)
        first = await _said(fake, 37, "One sentence, please.", "sendVoice")
        assert first.files["voice"]
        mark = len(fake.calls)
        await fake.message(37, "Another one.", language="de")
        refused = await fake.wait_for("sendMessage", after=mark, chat_id=37)
        assert refused.params["text"] == (
            "Du hast die Grenze von 0.01 Minuten Sprache pro Tag erreicht. Bitte versuch es morgen wieder."
        )
        owner = await ctx.storage.users.get_or_create("telegram", "37")
        assert (
            len(
                await ctx.storage.generations.for_voice(
                    owner.id, (await ctx.storage.voices.list(owner.id))[0].id
                )
            )
            == 1
        )

        await _said(fake, 37, "/newvoice Second")
        voice = (await ctx.storage.voices.list(owner.id))[-1]
        await ctx.storage.voices.update(owner.id, voice.id, voice_type="instant")
        from tests.audio import clips

        for path in clips("allison_en")[:4]:
            mark = len(fake.calls)
            await fake.voice(37, path.read_bytes(), duration=3)
            await fake.wait_for("sendMessage", after=mark, chat_id=37)
        refused = await _said(fake, 37, "/train")
        assert refused.params["text"] == (
            "You have reached the limit of 1 trainings a day. Please try again tomorrow."
        )
        assert (await ctx.storage.voices.get(owner.id, voice.id)).status == "collecting"
        settings = await _said(fake, 37, "/settings")
        assert "Last 24 hours: 1 trainings" in settings.params["text"]


def test_reply_targets_are_plain_json():
    from handlers.chat import Sender, reply_to

    target = reply_to(Sender("telegram", "1", "-5", "de"), "zip")
    assert json.loads(json.dumps(target)) == {
        "platform": "telegram",
        "chat": "-5",
        "user": "1",  # a DM to fall back on where the chat takes no more messages
        "locale": "de",
        "as": "zip",
    }


async def test_forget_me_erases_the_person_and_their_voices_after_a_confirmation(tmp_path):
    async with running(tmp_path) as (fake, ctx):
        await _ready_voice(ctx, 37, "Gone soon")
        asked = await _said(fake, 37, "/forgetme")
        assert buttons_of(asked) == ["forget:yes", "forget:keep"]
        kept = await _pressed(fake, 37, "forget:keep")
        assert kept.params["text"] == "Nothing was deleted."
        assert await ctx.storage.users.find("telegram", "37") is not None
        done = await _pressed(fake, 37, "forget:yes")
        assert done.params["text"].startswith("Erased: 1 voice(s)")
        assert await ctx.storage.users.find("telegram", "37") is None
        assert not [p for p in (tmp_path / "files").rglob("*") if p.is_file()]


async def test_mydata_sends_a_zip_of_everything_kept_and_keeps_no_copy(tmp_path):
    async with running(tmp_path) as (fake, ctx):
        voice_id = await _ready_voice(ctx, 38, "Exported")
        owner = await ctx.storage.users.find("telegram", "38")
        await ctx.storage.consents.accept(owner.id, "2026-11", "shown-hash", "telegram:button")
        sent = await _said(fake, 38, "/mydata", method="sendDocument")
        archive = zipfile.ZipFile(io.BytesIO(sent.files["document"]))
        data = json.loads(archive.read("data.json"))
        assert [a["platform"] for a in data["accounts"]] == ["telegram"]
        assert [v["voiceId"] for v in data["voices"]] == [voice_id]
        assert "shown-hash" in [c["statement_hash"] for c in data["consents"]]
        flacs = [n for n in archive.namelist() if n.startswith("samples/")]
        assert len(flacs) == len(data["samples"]) == 4 and all(
            n.startswith(f"samples/{voice_id}/") and n.endswith(".flac") for n in flacs
        )
        (reading,) = data["voiceConsents"]  # the recording that proved the consent, with its audio
        assert reading["words_checked"] and "embedding" not in reading
        assert archive.read(reading["file"])[:4] == b"fLaC" and reading["file"] == f"consent/{voice_id}.flac"
        assert sent.params["caption"].startswith("Everything kept about you")
        exports = tmp_path / "files" / "exports"
        async with asyncio.timeout(30):  # removed once sent (just after the upload was answered)
            while exports.exists() and any(exports.rglob("*.zip")):  # noqa: ASYNC110 — nothing signals it
                await asyncio.sleep(0.05)
        stranger = await _said(fake, 39, "/mydata")
        assert stranger.params["text"] == "Nothing is kept about you."
