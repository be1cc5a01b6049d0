"""Voice-verified consent, through the chat use cases every platform calls: the challenge's code
read aloud by the speaker (real recordings: Allison's digits), samples checked stretch by stretch
against that recording, and everything a cheat would try refused in the person's language."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from bot.app import open_context
from bot.config import Config, load_config
from engine.audio.spoken_code import misheard
from handlers import collect, consent
from handlers.chat import Sender
from handlers.errors import Refusal
from handlers.maintenance import housekeeping
from handlers.messages import t
from tests.audio import RATE, clips, code_in, encode, joined, load, reading, snr_mix


def note(path: Path) -> collect.Incoming:
    async def fetch() -> bytes:
        return path.read_bytes()  # noqa: ASYNC240 — a test's small file

    return collect.Incoming(fetch, None, None, name=path.name)


def sample(audio: np.ndarray, folder: Path, name: str) -> Path:
    return encode(audio, folder / f"{name}.ogg", "-c:a", "libopus", "-b:a", "48k")


async def begin(ctx, sender: Sender, language: str = "en") -> str:
    await consent.accept(ctx, sender)
    reply = await collect.new_voice(ctx, sender, "mine", "instant", language)
    return reply.text


async def test_the_speaker_reads_the_code_then_only_their_own_voice_is_kept(tmp_path):
    sender = Sender("telegram", "1", "1", "en")
    async with open_context(load_config(data_dir=tmp_path)) as ctx:
        asked = await begin(ctx, sender)
        code = code_in(asked)
        assert "same voice as your samples and that the code is right" in asked
        with pytest.raises(Refusal) as early:  # no training before the consent recording
            await collect.train(ctx, sender, None)
        assert early.value.code == "consent_required" and code_in(early.value.message) == code

        said = await collect.add_sample(ctx, sender, note(reading(code, tmp_path)), 2**24)
        assert said.text.startswith(t("en", "vconsent.verified"))
        user = await consent.user_for(ctx, sender)
        voice = await collect.collecting(ctx, user.id)
        record = await ctx.storage.voice_consents.get(user.id, voice.id)
        assert record.words_checked and misheard(record.heard, code) <= 1
        assert ctx.storage.files.consent_path(user.id, voice.id).is_file()

        own = await collect.add_sample(
            ctx, sender, note(sample(joined("allison_en", 12), tmp_path, "own")), 2**24
        )
        assert own.text.startswith("Kept")
        other = await collect.add_sample(
            ctx, sender, note(sample(joined("carlo_it", 12), tmp_path, "carlo")), 2**24
        )
        assert other.text.startswith("Not kept: Another voice speaks in this recording")
        mixed_audio = np.concatenate(
            [joined("allison_en", 11, start=10)[: 11 * RATE], joined("carlo_it", 12)[: 12 * RATE]]
        )
        mixed = await collect.add_sample(ctx, sender, note(sample(mixed_audio, tmp_path, "mixed")), 2**24)
        assert "Another voice speaks in this recording" in mixed.text
        # Her own voice, but drowned in noise or driven into clipping (a WAV: Opus rounds flat tops off
        # past what the clipping measure sees): "can't tell", not "someone else".
        noisy = sample(snr_mix(joined("allison_en", 12, start=3), 0), tmp_path, "noisy")
        clipped = encode(np.clip(joined("allison_en", 12, start=3) * 8, -0.3, 0.3), tmp_path / "clipped.wav")
        for spoilt in (noisy, clipped):
            said = await collect.add_sample(ctx, sender, note(spoilt), 2**24)
            assert said.text.startswith("Not kept: This recording is too noisy or distorted"), said.text
        kept = await ctx.storage.samples.list(user.id, voice.id)
        assert len(kept) == 1  # only Allison's own

        await consent.revoke(ctx, sender)  # the reading goes with the voice it authorised
        assert await ctx.storage.voice_consents.get(user.id, voice.id) is None
        assert not ctx.storage.files.consent_path(user.id, voice.id).exists()
        assert not [p for p in (tmp_path / "files").rglob("*") if p.is_file()]


async def test_an_earlier_code_a_replayed_file_and_a_noisy_reading_are_refused(tmp_path):
    sender = Sender("telegram", "2", "2", "de")
    async with open_context(load_config(data_dir=tmp_path)) as ctx:
        first = code_in(await begin(ctx, sender))
        # the person asks again (a new voice step): the first code is spent
        user = await consent.user_for(ctx, sender)
        voice = await collect.collecting(ctx, user.id)
        from handlers import voice_consent

        second = code_in(await voice_consent.ask(ctx, user.id, voice, "de"))
        assert second != first
        stale = await collect.add_sample(ctx, sender, note(reading(first, tmp_path)), 2**24)
        assert stale.text.startswith(t("de", "vconsent.wrong_code"))
        third = code_in(stale.text)  # a failed answer spends the code: a new one comes with the refusal
        assert third != second

        noisy_audio = snr_mix(load(reading(third, tmp_path)), 0)
        noisy = await collect.add_sample(ctx, sender, note(sample(noisy_audio, tmp_path, "noisy")), 2**24)
        assert noisy.text == t("de", "vconsent.unclear")  # the code stays good
        good = reading(third, tmp_path)
        ok = await collect.add_sample(ctx, sender, note(good), 2**24)
        assert ok.text.startswith(t("de", "vconsent.verified"))
        assert await ctx.storage.samples.list(user.id, voice.id) == []  # the recording is no sample

        # the same file again, for a second voice and its new code: a replay
        await ctx.storage.voices.update(user.id, voice.id, status="completed")
        other_code = code_in((await collect.new_voice(ctx, sender, "zweite", "instant", "en")).text)
        replay = await collect.add_sample(ctx, sender, note(good), 2**24)
        assert replay.text.startswith(t("de", "vconsent.replayed"))
        assert code_in(replay.text) != other_code
        # spent and withdrawn codes are pruned; the open one stays
        assert (await housekeeping(ctx))["challenges"] >= 4
        second_voice = await collect.collecting(ctx, user.id)
        assert (await ctx.storage.voice_consents.open_challenge(user.id, second_voice.id)).code == code_in(
            replay.text
        )


async def test_a_recording_of_another_speaker_cannot_authorise_someones_samples(tmp_path):
    """Italian: no recogniser for the words, so the speaker decides — and the person is told so.
    Samples sent together before the recording wait for it, and must be the recording's speaker."""
    for n, (reader, verdict) in enumerate(
        ((("carlo_it", 0), "other_speaker"), (("allison_en", 40), "verified_speaker"))
    ):
        folder = tmp_path / str(n)
        folder.mkdir()
        sender = Sender("telegram", str(10 + n), str(10 + n), "it")
        async with open_context(load_config(data_dir=folder)) as ctx:
            asked = await begin(ctx, sender, "it")
            assert t("it", "vconsent.how_speaker") in asked
            user = await consent.user_for(ctx, sender)
            voice = await collect.collecting(ctx, user.id)
            allisons = [
                note(sample(joined("allison_en", 8, start=i * 12), folder, f"a{i}")) for i in range(2)
            ]
            together = await collect.add_samples(ctx, sender, allisons, 2**24)
            assert code_in(together.text) == code_in(asked)  # still the same code to read
            assert len(await ctx.storage.samples.list(user.id, voice.id)) == 2
            speaker, start = reader
            said = await collect.add_sample(
                ctx, sender, note(sample(joined(speaker, 6, start=start), folder, "r")), 2**24
            )
            assert said.text.startswith(t("it", f"vconsent.{verdict}"))
            recorded = await ctx.storage.voice_consents.get(user.id, voice.id)
            if verdict == "other_speaker":  # refused: nothing kept of it, Allison's samples untouched
                assert recorded is None and not ctx.storage.files.consent_path(user.id, voice.id).exists()
                assert code_in(said.text) != code_in(asked)
            else:
                assert recorded is not None and not recorded.words_checked
            assert len(await ctx.storage.samples.list(user.id, voice.id)) == 2


async def test_text_policy_keeps_the_old_flow(tmp_path):
    config = Config.model_validate({"storage": {"data_dir": str(tmp_path)}, "consent": {"policy": "text"}})
    sender = Sender("telegram", "5", "5", "en")
    async with open_context(config) as ctx:
        asked = await begin(ctx, sender)
        assert "code" not in asked.lower()
        reply = await collect.add_sample(ctx, sender, note(clips("allison_en")[7]), 2**24)
        assert not reply.text.startswith(t("en", "vconsent.verified"))
