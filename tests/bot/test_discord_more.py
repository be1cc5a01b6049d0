"""Discord beyond the main flow: bad attachments refused before a byte is downloaded, voice messages
and text in a DM, a result after the interaction's token lapsed (channel, then DM), a batch as a zip,
and a gateway disconnect that loses no reply."""

from __future__ import annotations

import asyncio
import io
import zipfile

from engine.speech import provenance
from handlers import collect, consent
from handlers.chat import Sender
from tests.audio import clips
from tests.bot.harness import discord_running
from tests.fake_discord import APP_ID
from tests.voices import collecting

USER = "61"


async def _ready_voice(ctx, sender: Sender) -> None:
    """Consent, an instant voice from three notes, trained by the running worker."""
    user, _ = await collecting(ctx, sender, clips("allison_en")[:4], name="Allison")
    queued = await collect.train(ctx, sender, None)
    await ctx.engine.wait(user.id, queued.job_id)


async def test_bad_attachments_are_refused_before_download_and_leave_nothing(tmp_path, monkeypatch):
    async with discord_running(tmp_path, monkeypatch) as (fake, ctx, _client):
        sender = Sender("discord", USER, "777", "de")
        user, voice = await collecting(ctx, sender)
        clip = clips("allison_en")[0].read_bytes()
        big = fake.attachment(clip, "lang.ogg", "audio/ogg", size=3 * 2**20)  # over this server's limit
        image = fake.attachment(b"\x89PNG\r\n\x1a\n" + bytes(64), "bild.png", "image/png")
        added = await fake.command(
            "voice add", {"file1": big, "file2": image}, [big, image], user_id=USER, locale="de",
            size_limit=2 * 2**20,
        )  # fmt: skip
        text = await fake.answer(added)
        assert "lang.ogg: nicht gespeichert: Diese Datei ist größer als 2 MiB" in text, text
        assert "bild.png: nicht gespeichert: Diese Datei ist kein Audio" in text
        assert fake.downloads == [] and await ctx.storage.samples.list(user.id, voice.id) == []

        letter = fake.attachment(b"%PDF-1.7", "texte.pdf", "application/pdf")
        batch = await fake.command("batch", {"file": letter}, [letter], user_id=USER, locale="de")
        assert "Textdatei" in await fake.answer(batch)
        assert fake.downloads == []


async def test_a_voice_message_in_a_dm_is_a_sample_and_text_is_spoken(tmp_path, monkeypatch):
    async with discord_running(tmp_path, monkeypatch, worker=True, within=240) as (fake, ctx, _client):
        sender = Sender("discord", USER, f"8{USER}", "fr")
        user, voice = await collecting(ctx, sender)
        note = fake.attachment(clips("allison_en")[1].read_bytes(), "voice-message.ogg", "audio/ogg", 3.9)
        await fake.dm(USER, attachments=[note])
        kept = await fake.sent(f"/channels/8{USER}/messages", lambda body: bool(body.get("content")))
        assert kept.body["content"].startswith("Conservé : "), kept.body  # in the language they last used
        assert len(await ctx.storage.samples.list(user.id, voice.id)) == 1

        for path in clips("allison_en")[2:5]:
            await collect.add_sample(ctx, sender, _note(path), 2**24)
        await ctx.engine.wait(user.id, (await collect.train(ctx, sender, None)).job_id)
        await fake.dm(USER, "Bonjour, voici ma voix.")
        spoken = await fake.sent(f"/channels/8{USER}/messages", lambda body: body.get("flags") == 8192)
        assert list(spoken.body["files"]) == ["voice-message.ogg"]


def _note(path) -> collect.Incoming:
    async def fetch() -> bytes:
        return path.read_bytes()

    return collect.Incoming(fetch, None, None)


async def test_after_the_token_lapsed_the_result_goes_to_the_channel_then_a_dm(tmp_path, monkeypatch):
    async with discord_running(tmp_path, monkeypatch, worker=True, within=240) as (fake, ctx, _client):
        await _ready_voice(ctx, Sender("discord", USER, "777", "en"))
        fake.forbidden.add("777")  # the bot may not post in that channel
        old = await fake.command(
            "speak", {"text": "Hello again.", "format": "mp3"}, user_id=USER, age_s=20 * 60
        )
        dm = await fake.sent(f"/channels/8{USER}/messages", lambda body: bool(body.get("files")))
        assert list(dm.body["files"]) == ["speech.mp3"]
        assert not any(c.path.startswith(f"/webhooks/{APP_ID}/{old['token']}") and "files" in (c.body or {})
                       for c in fake.calls)  # fmt: skip
        assert any(c.path == "/channels/777/messages" for c in fake.calls)  # tried there first

        fresh = await fake.command("speak", {"text": "And now.", "format": "wav"}, user_id=USER)
        followup = await fake.sent(
            f"/webhooks/{APP_ID}/{fresh['token']}", lambda body: bool(body.get("files"))
        )
        assert list(followup.body["files"]) == ["speech.wav"]


async def test_a_batch_file_comes_back_as_a_zip(tmp_path, monkeypatch):
    async with discord_running(tmp_path, monkeypatch, worker=True, within=240) as (fake, ctx, _client):
        await _ready_voice(ctx, Sender("discord", USER, "777", "en"))
        lines = fake.attachment(b"First line.\n\nSecond line.\n", "lines.txt", "text/plain; charset=utf-8")
        batch = await fake.command("batch", {"file": lines}, [lines], user_id=USER)
        assert (await fake.answer(batch)).startswith("2 texts queued")
        sent = await fake.sent(f"/webhooks/{APP_ID}/{batch['token']}", lambda body: bool(body.get("files")))
        names = zipfile.ZipFile(io.BytesIO(sent.body["files"]["speech.zip"])).namelist()
        assert (
            names == ["speech_001.ogg", "speech_002.ogg"]
            and sent.body["content"] == "2 files, spoken in your voice."
        )


async def test_a_gateway_disconnect_and_resume_loses_no_reply(tmp_path, monkeypatch):
    async with discord_running(tmp_path, monkeypatch) as (fake, ctx, _client):
        await fake.drop()
        asked = await fake.command("consent", user_id=USER, locale="es-ES")  # while disconnected
        reply = await fake.reply_to(asked)
        assert reply["data"]["content"].startswith("¡Hola!")
        statement = await fake.answer(asked, lambda text: "2026-11" in text)  # its followup too
        assert statement.startswith("Antes de guardar cualquier grabación")
        assert fake.resumed == 1 and fake.identified == 1  # the same session, resumed
        await consent.user_for(ctx, Sender("discord", USER, "777"))


async def test_a_result_over_the_upload_limit_is_sent_smaller_or_refused_in_words(tmp_path, monkeypatch):
    async with discord_running(tmp_path, monkeypatch, worker=True, within=240) as (fake, ctx, _client):
        await _ready_voice(ctx, Sender("discord", USER, "777", "en"))
        text = {
            "text": "This sentence is long enough to make a WAV file of a few hundred kilobytes.",
            "format": "wav",
        }
        wav = await fake.command("speak", text, user_id=USER, size_limit=64 * 2**10)
        sent = await fake.sent(f"/webhooks/{APP_ID}/{wav['token']}", lambda body: bool(body.get("files")))
        assert (
            list(sent.body["files"]) == ["speech.ogg"] and len(sent.body["files"]["speech.ogg"]) <= 64 * 2**10
        )
        smaller = tmp_path / "smaller.ogg"
        smaller.write_bytes(sent.body["files"]["speech.ogg"])
        assert provenance.read(smaller)["ai_generated"] == "true"  # still marked after the re-encoding

        lines = fake.attachment(b"One.\nTwo.\n", "lines.txt", "text/plain")
        batch = await fake.command("batch", {"file": lines}, [lines], user_id=USER, size_limit=2**10)
        refused = await fake.answer(batch, lambda said: "more than this channel takes" in said)
        assert refused.startswith("The result is ") and "(0 MiB)" not in refused


async def test_an_invalid_session_is_started_anew_and_the_bot_answers(tmp_path, monkeypatch):
    async with discord_running(tmp_path, monkeypatch) as (fake, _ctx, _client):
        fake.refuse_resume = True
        fake.ready.clear()
        await fake.drop()  # the client tries to resume; the gateway says the session is invalid
        await asyncio.wait_for(fake.ready.wait(), 60)  # a new session (after discord.py's pause)
        asked = await fake.command("consent", user_id=USER, locale="es-ES")
        assert (await fake.reply_to(asked))["data"]["content"].startswith("¡Hola!")
        assert fake.resumed == 0 and fake.identified == 2
