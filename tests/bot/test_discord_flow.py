"""The whole Discord flow with the real discord.py client, the fake Discord, the real worker loop and
the embedded engine: consent, a voice created with attachments, training with progress edits, then
/speak answered with a real voice message whose audio decodes; and what another person cannot do."""

from __future__ import annotations

import base64
import math

from engine.audio.decode import Limits, decode_bytes
from handlers import consent
from handlers.chat import Sender
from tests.audio import clips, code_in, reading
from tests.bot.harness import discord_running
from tests.fake_discord import APP_ID

USER, OTHER = "51", "52"
FOLLOWUPS = f"/webhooks/{APP_ID}/"


async def test_attachments_train_and_speak_as_a_voice_message(tmp_path, monkeypatch):
    async with discord_running(tmp_path, monkeypatch, worker=True, within=300) as (fake, ctx, _client):
        await fake.reply_to(await fake.press("consent:accept", user_id=USER))

        files = [fake.attachment(p.read_bytes(), p.name, "audio/ogg") for p in clips("allison_en")[:5]]
        options = {"name": "Allison", "kind": "instant"} | {f"file{n}": f for n, f in enumerate(files, 1)}
        created = await fake.command("voice create", options, files, user_id=USER)
        kept = await fake.answer(created, lambda text: "kept" in text)
        assert kept.count(": kept,") == 5 and "record yourself reading this sentence aloud" in kept, kept
        assert sorted(fake.downloads) == sorted(f["id"] for f in files)
        # The samples wait for the consent recording: Allison reads the code, as a DM voice message.
        read = reading(code_in(kept), tmp_path)
        note = fake.attachment(read.read_bytes(), "voice-message.ogg", "audio/ogg", 9.0)
        await fake.dm(USER, attachments=[note])
        verified = await fake.sent(f"/channels/8{USER}/messages", lambda body: bool(body.get("content")))
        assert verified.body["content"].startswith("Thank you, that is you"), verified.body
        assert "/voice train" in verified.body["content"]  # the five samples are hers: enough

        trained = await fake.command("voice train", user_id=USER)
        await fake.answer(trained, lambda text: text.startswith("Training “Allison” is queued"))
        await fake.answer(trained, lambda text: "is ready" in text)
        assert any(c.method == "PATCH" and trained["token"] in c.path for c in fake.calls)  # progress

        # Another person sees none of it: not in autocomplete, not by id.
        theirs = await fake.complete("speak", "voice", "", user_id=OTHER)
        mine = await fake.complete("speak", "voice", "All", user_id=USER)
        user = await consent.user_for(ctx, Sender("discord", USER, "777"))
        voice_id = (await ctx.storage.voices.list(user.id))[0].id
        assert theirs == [] and mine == [{"name": "Allison", "value": voice_id}]
        await fake.reply_to(await fake.press("consent:accept", user_id=OTHER))
        stolen = await fake.command("speak", {"text": "Hi", "voice": voice_id}, user_id=OTHER)
        assert "No such voice" in await fake.answer(stolen, bool)
        for name, options in (
            ("voice status", {"voice": voice_id}),
            ("voice delete", {"voice": voice_id}),
            ("voice renew", {"voice": voice_id}),
            ("voice delete", {"voice": "Allison"}),  # by name: theirs only
        ):
            refused = await fake.command(name, options, user_id=OTHER)
            assert "No such voice" in await fake.answer(refused, bool), name
        lines = fake.attachment(b"One.\n", "lines.txt", "text/plain")
        batch = await fake.command("batch", {"file": lines, "voice": voice_id}, [lines], user_id=OTHER)
        assert "No such voice" in await fake.answer(batch, bool)
        assert [v.id for v in await ctx.storage.voices.list(user.id)] == [voice_id]  # untouched

        mark = len(fake.calls)
        spoken = await fake.command("speak", {"text": "Hello there, this is my cloned voice."}, user_id=USER)
        await fake.answer(spoken, lambda text: text == "Saying it in your voice…")
        sent = await fake.sent("/channels/777/messages", lambda body: bool(body.get("files")))
        assert fake.calls.index(sent) > mark
        assert sent.body["flags"] == 8192 and list(sent.body["files"]) == ["voice-message.ogg"]
        described = sent.body["attachments"][0]
        decoded = decode_bytes(sent.body["files"]["voice-message.ogg"], 48000, Limits())
        seconds = len(decoded.samples) / 48000
        assert decoded.probe.codec == "opus" and 1.0 < seconds < 10.0
        assert abs(described["duration_secs"] - seconds) < 0.05
        wave = base64.b64decode(described["waveform"])
        assert len(wave) == min(256, math.ceil(seconds * 10)) and max(wave) == 255 and min(wave) < 128
