"""The whole Telegram flow with the real aiogram client, the fake Bot API, the real worker loop and
the embedded engine: consent, guided collection from real voice notes, training with progress
edits, then text spoken back as an OGG/Opus voice note."""

from __future__ import annotations

import json
from pathlib import Path

from engine.audio.decode import Limits, decode_bytes
from tests.audio import clips, code_in, reading
from tests.bot.harness import running
from tests.fake_telegram import FakeTelegram

USER = 21


async def test_consent_voice_notes_train_and_speak(tmp_path):
    async with running(tmp_path, worker=True, within=240) as (fake, ctx):
        await _walk(fake, ctx, tmp_path)


async def _walk(fake: FakeTelegram, ctx, tmp: Path) -> None:
    await fake.message(USER, "/start")
    welcome = await fake.wait_for("sendMessage", chat_id=USER)
    await fake.wait_for("sendMessage", after=fake.calls.index(welcome) + 1, chat_id=USER)  # the statement
    mark = len(fake.calls)
    chat_message = {"message_id": 1, "date": 0, "chat": {"id": USER, "type": "private"}, "text": "…"}
    await fake.callback(USER, chat_message, "consent:accept")
    thanks = await fake.wait_for("sendMessage", after=mark, chat_id=USER)
    assert thanks.params["text"].startswith("Thank you")

    mark = len(fake.calls)
    await fake.message(USER, "/newvoice Allison")
    kinds = await fake.wait_for("sendMessage", after=mark, chat_id=USER)
    buttons = [row[0]["callback_data"] for row in json.loads(kinds.params["reply_markup"])["inline_keyboard"]]
    instant = next(b for b in buttons if b.endswith(":instant"))
    mark = len(fake.calls)
    await fake.callback(USER, chat_message, instant)
    challenge = await fake.wait_for("sendMessage", after=mark, chat_id=USER)
    assert "record yourself reading this sentence aloud" in challenge.params["text"]
    mark = len(fake.calls)
    await fake.message(USER, "/train")  # nothing trains before the speaker has read the code
    refused = await fake.wait_for("sendMessage", after=mark, chat_id=USER)
    assert refused.params["text"].startswith("This voice needs your consent recording first.")
    assert code_in(refused.params["text"]) == code_in(challenge.params["text"])

    mark = len(fake.calls)  # a voice note of Allison reading it
    await fake.voice(USER, reading(code_in(challenge.params["text"]), tmp).read_bytes(), duration=9)
    first = await fake.wait_for("sendMessage", after=mark, chat_id=USER)
    assert first.params["text"].startswith("Thank you, that is you"), first.params["text"]
    assert "The quick brown fox" in first.params["text"]

    for path in clips("allison_en")[:5]:
        mark = len(fake.calls)
        await fake.voice(USER, path.read_bytes(), duration=3)
        kept = await fake.wait_for("sendMessage", after=mark, chat_id=USER)
        assert kept.params["text"].startswith("Kept:"), kept.params["text"]
    assert "/train" in kept.params["text"]  # enough for the instant tier now

    mark = len(fake.calls)
    await fake.message(USER, "/train")
    queued = await fake.wait_for("sendMessage", after=mark, chat_id=USER)
    assert queued.params["text"].startswith("Training “Allison” is queued")
    progress = await fake.wait_for("editMessageText", after=mark, chat_id=USER)
    assert "%" in progress.params["text"]
    ready = await fake.wait_for("sendMessage", after=fake.calls.index(queued) + 1, chat_id=USER)
    while "is ready" not in ready.params["text"]:
        ready = await fake.wait_for("sendMessage", after=fake.calls.index(ready) + 1, chat_id=USER)

    mark = len(fake.calls)
    await fake.message(USER, "Hello there, this is my cloned voice.")
    voice = await fake.wait_for("sendVoice", after=mark, chat_id=USER)
    await fake.wait_for("sendChatAction", after=mark, chat_id=USER)
    decoded = decode_bytes(voice.files["voice"], 48000, Limits())
    assert decoded.probe.codec == "opus" and decoded.probe.source_rate == 48000
    assert 1.0 < len(decoded.samples) / 48000 < 10.0
