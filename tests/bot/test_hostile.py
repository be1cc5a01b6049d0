"""The hostile corpus (tests/hostile.py) through the chat front ends: every bad upload and text gets
a clear message in the person's language (French here) and leaves nothing behind; honest odd audio
is kept under a safe name; the bot still answers afterwards and its memory stays bounded."""

from __future__ import annotations

import json

from handlers import jobs
from tests.audio import code_in, reading
from tests.bot.harness import running
from tests.fake_telegram import FakeTelegram
from tests.hostile import TEXTS, peak_mib, says, stored, video
from tests.voices import submit
from tests.voices import uploads as good_uploads

USER = 61
DECLARED = {"not_audio": "collect.not_audio", "file_too_large": "collect.too_large"}
CHAT = {"message_id": 1, "date": 0, "chat": {"id": USER, "type": "private"}, "text": "…"}


async def _answer(fake: FakeTelegram, send) -> str:
    mark = len(fake.calls)
    await send
    return (await fake.wait_for("sendMessage", after=mark, chat_id=USER, within=120)).params["text"]


async def test_telegram_answers_every_hostile_upload_and_text_in_french_and_keeps_only_honest_audio(
    tmp_path, corpus
):
    async with running(tmp_path, worker=True, within=480) as (fake, ctx):
        mark = len(fake.calls)
        await fake.message(USER, "/start", language="fr")
        welcome = await fake.wait_for("sendMessage", after=mark, chat_id=USER)
        await fake.wait_for("sendMessage", after=fake.calls.index(welcome) + 1, chat_id=USER)  # statement
        await _answer(fake, fake.callback(USER, CHAT, "consent:accept", language="fr"))
        mark = len(fake.calls)
        await fake.message(USER, "/newvoice Moi", language="fr")
        kinds = await fake.wait_for("sendMessage", after=mark, chat_id=USER)
        rows = json.loads(kinds.params["reply_markup"])["inline_keyboard"]
        instant = next(r[0]["callback_data"] for r in rows if r[0]["callback_data"].endswith(":instant"))
        challenge = await _answer(fake, fake.callback(USER, CHAT, instant, language="fr"))
        user = await ctx.storage.users.get_or_create("telegram", str(USER))
        (voice,) = await ctx.storage.voices.list(user.id)
        read = reading(code_in(challenge), tmp_path)
        first = await _answer(fake, fake.voice(USER, read.read_bytes(), duration=9, language="fr"))
        assert first.startswith("Merci"), first

        before = peak_mib()
        kept = 0
        for item in corpus:
            files = stored(tmp_path)
            send = fake.document(
                USER, item.data, item.name, item.mime, size=item.declared_size, language="fr"
            )
            text = await _answer(fake, send)
            samples = await ctx.storage.samples.list(user.id, voice.id)
            if item.refused is None:
                assert text.startswith("Conservé"), (item.label, text)
                kept += 1
                new = stored(tmp_path) - files
                assert len(new) == 1 and all(".." not in p.parts for p in new), (item.label, new)
                assert all(c.isascii() and (c.isalnum() or c in "._-/") for c in str(next(iter(new))))
            else:  # refused from what Telegram declares (type, size) or from the file itself
                keys = item.refused | {DECLARED[k] for k in item.refused if k in DECLARED}
                assert any(says(text, key) for key in keys), (item.label, text)
                assert stored(tmp_path) == files, item.label  # nothing left behind
            assert len(samples) == kept, item.label
        # Telegram's own video kinds: a video message and a round video note count for their sound.
        for label, send, refused in (
            ("a video message", fake.video(USER, video(tmp_path / "v", 20), 8, language="fr"), None),
            ("a video note", fake.video(USER, video(tmp_path / "v", 10), 8, note=True, language="fr"), None),
            (
                "a silent video",
                fake.video(USER, video(tmp_path / "v", None), 8, language="fr"),
                "no_audio_track",
            ),
        ):
            files = stored(tmp_path)
            text = await _answer(fake, send)
            if refused is None:
                assert text.startswith("Conservé"), (label, text)
                kept += 1
            else:
                assert says(text, refused) and stored(tmp_path) == files, (label, text)
            assert len(await ctx.storage.samples.list(user.id, voice.id)) == kept, label
        gone = {"file_id": "gone", "file_unique_id": "goneu", "file_size": 999, "file_name": "x.ogg"}
        missing = fake._message(USER, None, "fr", document=gone | {"mime_type": "audio/ogg"})
        text = await _answer(fake, fake._push("message", missing))  # Telegram no longer has it
        assert says(text, "collect.download_failed"), text
        assert len(await ctx.storage.samples.list(user.id, voice.id)) == kept
        # the 2 hours of silence were refused from their header: decoded they would take 660 MiB
        assert peak_mib() - before < 300, peak_mib() - before

        # the texts, said with a voice already trained
        ready = await submit(ctx, user.id, "Prête", good_uploads(count=4))
        await jobs.wait_result(ctx, user.id, ready["jobId"])
        await _answer(fake, fake.callback(USER, CHAT, f"set:voice:{ready['voiceId']}", language="fr"))
        for label, said, refusal in [t for t in TEXTS if t[1]]:  # Telegram delivers no empty message
            mark = len(fake.calls)
            await fake.message(USER, said, language="fr")
            if refusal is None:
                sent = await fake.wait_for("sendVoice", after=mark, chat_id=USER, within=120)
                assert sent.files["voice"], label
            else:
                text = (await fake.wait_for("sendMessage", after=mark, chat_id=USER)).params["text"]
                assert says(text, {"text_too_long": "speak.too_long"}.get(refusal, refusal)), (label, text)

        help_text = await _answer(fake, fake.message(USER, "/help", language="fr"))
        assert help_text  # still serving
