"""The hostile corpus (tests/hostile.py) as attachments and texts in a Discord DM, from a person who
speaks French: each bad file and text is answered in French and leaves nothing; honest odd audio is
kept under a safe name; the bot answers afterwards and its memory stays bounded."""

from __future__ import annotations

import asyncio

from handlers import jobs
from handlers.chat import Sender
from tests.bot.harness import discord_running
from tests.fake_discord import FakeDiscord
from tests.hostile import TEXTS, peak_mib, says, stored
from tests.voices import collecting, submit
from tests.voices import uploads as good_uploads

USER = "62"
DM = f"/channels/8{USER}/messages"
DECLARED = {"not_audio": "collect.not_audio", "file_too_large": "collect.too_large"}


async def _next(fake: FakeDiscord, mark: int, test) -> dict:
    """The first message the bot sends to the DM after call ``mark`` that passes ``test``."""
    async with asyncio.timeout(120):
        while True:
            for call in fake.calls[mark:]:
                if call.path == DM and isinstance(call.body, dict) and test(call.body):
                    return call.body
            fake.changed.clear()
            await fake.changed.wait()


async def test_discord_answers_every_hostile_attachment_and_text_in_french(tmp_path, monkeypatch, corpus):
    async with discord_running(tmp_path, monkeypatch, worker=True, within=480) as (fake, ctx, _client):
        sender = Sender("discord", USER, f"8{USER}", "fr")
        user, voice = await collecting(ctx, sender)
        before, kept = peak_mib(), 0
        for item in corpus:
            files, mark = stored(tmp_path), len(fake.calls)
            sent = fake.attachment(item.data, item.name, item.mime, size=item.declared_size)
            await fake.dm(USER, attachments=[sent])
            text = (await _next(fake, mark, lambda body: bool(body.get("content"))))["content"]
            if item.refused is None:
                assert text.startswith("Conservé"), (item.label, text)
                kept += 1
                (new,) = stored(tmp_path) - files
                assert all(c.isascii() and (c.isalnum() or c in "._-/") for c in str(new)), new
            else:
                keys = item.refused | {DECLARED[k] for k in item.refused if k in DECLARED}
                assert any(says(text, key) for key in keys), (item.label, text)
                assert stored(tmp_path) == files, item.label
            assert len(await ctx.storage.samples.list(user.id, voice.id)) == kept, item.label
        assert peak_mib() - before < 300, peak_mib() - before
        gone = fake.attachment(corpus[-1].data, "gone.ogg", "audio/ogg")
        del fake.files[gone["id"]]  # the CDN answers 404
        mark = len(fake.calls)
        await fake.dm(USER, attachments=[gone])
        text = (await _next(fake, mark, lambda body: bool(body.get("content"))))["content"]
        assert says(text, "collect.download_failed"), text
        assert len(await ctx.storage.samples.list(user.id, voice.id)) == kept

        ready = await submit(ctx, user.id, "Prête", good_uploads(count=4))
        await jobs.wait_result(ctx, user.id, ready["jobId"])
        for label, said, refusal in [t for t in TEXTS if t[1].strip()]:  # Discord sends no blank message
            mark = len(fake.calls)
            await fake.dm(USER, said)
            answer = await _next(
                fake, mark, lambda body: body.get("flags") == 8192 or bool(body.get("content"))
            )
            if refusal is None:
                assert answer.get("flags") == 8192 and answer.get("files"), (label, answer)
            else:
                key = {"text_too_long": "speak.too_long"}.get(refusal, refusal)
                assert says(answer.get("content", ""), key), (label, answer)
        mark = len(fake.calls)
        await fake.dm(USER, "Encore là ?")  # still serving
        assert await _next(fake, mark, lambda body: body.get("flags") == 8192)
