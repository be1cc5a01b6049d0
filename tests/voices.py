"""Test helpers for voices: a config on the tiny XTTS, a queued voice, uploads from the test clips."""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

from bot.config import Config, load_config
from handlers import collect, consent, voice_consent, voices
from handlers.chat import Sender
from handlers.samples import SampleMeta
from tests.audio import TRANSCRIPTS, clips, code_in, reading


def xtts_config(data_dir: Path, model_dir: Path) -> Config:
    """Defaults, with XTTS (from ``model_dir``) as the engine for new voices."""
    config = load_config(data_dir=data_dir)
    engine = config.engine.model_copy(update={"backend": "xtts", "xtts_model_dir": model_dir})
    return config.model_copy(update={"engine": engine})


def uploads(speaker: str = "allison_en", count: int = 4, **meta: Any) -> list[voices.Upload]:
    return [voices.Upload(p.name, p.read_bytes(), SampleMeta(**meta)) for p in clips(speaker)[:count]]


def transcribed() -> list[voices.Upload]:
    """Allison's clips whose words we know (for fine-tuning)."""
    chosen = [p for p in clips("allison_en") if p.name in TRANSCRIPTS]
    return [voices.Upload(p.name, p.read_bytes(), SampleMeta(transcript=TRANSCRIPTS[p.name])) for p in chosen]


async def submit(
    ctx, owner_id: int, name: str, sent: list[voices.Upload], voice_type: str = "instant", **options: Any
) -> dict[str, Any]:
    """Queue a voice in English with consent given: the statement, and Allison reading the
    challenge's code (so the uploads must be hers, unless the test says otherwise)."""
    challenge = await voice_consent.new_challenge(ctx, owner_id, "en")
    with tempfile.TemporaryDirectory() as folder:
        return await voices.submit_voice(
            ctx,
            owner_id,
            name=name,
            language="en",
            voice_type=voice_type,
            uploads=sent,
            consent_statement="I am the speaker and I agree.",
            challenge_id=challenge["challengeId"],
            consent_recording=reading(code_in(challenge["sentence"]), Path(folder)),
            **options,
        )


async def read_challenge(ctx, sender: Sender, asked: str, voice, speaker: Path | None = None) -> str:
    """Send the reading of the challenge in ``asked`` as a voice note; the bot's reply. Where the
    words are checked (English) Allison reads the code; elsewhere ``speaker``'s clip does."""
    if voice_consent.words_checked(ctx, voice.languages[0]) or speaker is None:
        with tempfile.TemporaryDirectory() as folder:
            data = reading(code_in(asked), Path(folder)).read_bytes()
    else:
        data = speaker.read_bytes()  # noqa: ASYNC240 — a test clip

    async def fetch() -> bytes:
        return data

    return (await collect.add_sample(ctx, sender, collect.Incoming(fetch, None, None), 2**24)).text


async def collecting(ctx, sender: Sender, notes: list[Path] = (), name: str = "Ma voix"):
    """Consent given and an instant voice waiting for notes, as /start and /newvoice leave it, with
    ``notes`` sent as voice notes; returns (user, voice)."""
    await consent.accept(ctx, sender)
    await collect.new_voice(ctx, sender, name)
    user = await consent.user_for(ctx, sender)
    voice = (await ctx.storage.voices.list(user.id))[0]
    asked = await collect.choose_type(ctx, sender, voice.id, "instant")
    if voice_consent.required(ctx):
        await read_challenge(ctx, sender, asked.text, voice, notes[0] if notes else None)
    for path in notes:

        async def fetch(path=path) -> bytes:
            return path.read_bytes()

        await collect.add_sample(ctx, sender, collect.Incoming(fetch, None, None), 2**24)
    return user, voice
