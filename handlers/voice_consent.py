"""Voice-verified consent: the speaker reads a challenge — a random six-digit code, then a sentence
of agreement in the voice's language — and the recording must (a) be that speaker: it is the
reference every sample of the voice is checked against, stretch by stretch, and the samples there
already were must match it; (b) where a recogniser exists for the language (English:
pocketsphinx), say the code. Elsewhere the match is by speaker alone, and the person is told so.

A code is single use and short-lived; a failed answer spends it and a new one is given, so neither
guessing nor replaying an earlier recording works (an earlier recording says an earlier code; the
very same file is refused by its hash in any language). The operator may choose text-only consent
(``[consent] policy = "text"``): then none of this runs.
"""

from __future__ import annotations

import asyncio
import hashlib
import io
from dataclasses import dataclass

import numpy as np
import soundfile

from engine.audio.decode import decode_bytes
from engine.audio.ingest import ProcessedSample
from engine.audio.language import LANGUAGES
from engine.audio.speaker_check import match, reference
from engine.audio.spoken_code import RATE as CODE_RATE
from engine.audio.spoken_code import misheard
from engine.errors import OtherSpeakerError, UnverifiableSpeakerError
from handlers.context import Context
from handlers.errors import Refusal
from handlers.messages import t
from handlers.samples import flac
from storage.ids import iso, now
from storage.records import Challenge, Voice, VoiceConsent

CODE_DIGITS = 6
CHALLENGE_TTL_S = 15 * 60
MAX_MISHEARD = 1  # digits the recogniser may get wrong; an earlier code differs in ~5 of 6


def required(ctx: Context) -> bool:
    return ctx.consent_policy == "voice"


def _sentence(language: str, code: str) -> str:
    return t(language, "vconsent.sentence", code=" ".join(code))


async def challenge(ctx: Context, owner_id: int, voice_id: str | None, language: str) -> Challenge:
    """A new code for the voice (any earlier one stops working)."""
    return await ctx.storage.voice_consents.issue(
        owner_id, voice_id, language, lambda code: _sentence(language, code), CODE_DIGITS, CHALLENGE_TTL_S
    )


async def pending(ctx: Context, owner_id: int, voice: Voice) -> bool:
    """Whether the voice still waits for its consent recording."""
    return required(ctx) and await ctx.storage.voice_consents.get(owner_id, voice.id) is None


async def new_challenge(ctx: Context, owner_id: int, language: str) -> dict[str, object]:
    """A challenge for a voice still to be made (CLI, HTTP API), as the answer shows it."""
    if language not in LANGUAGES:
        raise Refusal("invalid_request", f"language must be one of {', '.join(LANGUAGES)}")
    issued = await challenge(ctx, owner_id, None, language)
    return {
        "challengeId": issued.id,
        "sentence": issued.sentence,
        "language": language,
        "expiresAt": issued.expires_at,
        "wordsChecked": words_checked(ctx, language),
    }


def words_checked(ctx: Context, language: str) -> bool:
    return ctx.code_reader is not None and language in ctx.code_reader.languages


async def ask(ctx: Context, owner_id: int, voice: Voice, locale: str | None, reuse: bool = False) -> str:
    """What to say to have the challenge read: the sentence, and how the answer is judged. A new
    code, unless ``reuse`` (then the open one while it lasts)."""
    issued = await ctx.storage.voice_consents.open_challenge(owner_id, voice.id) if reuse else None
    issued = issued or await challenge(ctx, owner_id, voice.id, voice.languages[0])
    how = "vconsent.how_words" if words_checked(ctx, issued.language) else "vconsent.how_speaker"
    return t(locale, "vconsent.ask", sentence=issued.sentence) + "\n" + t(locale, how)


@dataclass(frozen=True, slots=True)
class Verified:
    words_checked: bool
    removed: int  # samples kept before the recording that turned out to be someone else's


class _Unaccepted(Exception):
    """Why a reading is not accepted: ``key`` in the catalog (``vconsent.<key>``); ``spent``: the
    code is used up (a new one is needed), else the same code may be read again."""

    def __init__(self, key: str, spent: bool = True) -> None:
        super().__init__(key)
        self.key, self.spent = key, spent


@dataclass(frozen=True, slots=True)
class Reading:
    """A reading that said the right code (or, without a recogniser, any), from a good recording."""

    challenge: Challenge
    recording: bytes  # FLAC, cleaned: kept as the voice's consent recording
    recording_hash: str
    checked: bool
    heard: str | None
    ref: np.ndarray


async def _judge(
    ctx: Context, owner_id: int, open_one: Challenge | None, processed: ProcessedSample, raw
) -> Reading:
    """``raw()`` decodes the recording as sent (at the recogniser's rate): the words are heard
    better before cleaning, which is for training."""
    if open_one is None or open_one.used_at is not None or open_one.expires_at <= iso(now()):
        raise _Unaccepted("expired")
    if await ctx.storage.voice_consents.seen(owner_id, processed.content_hash):
        raise _Unaccepted("replayed")
    if processed.quality == "poor":  # the recording is at fault, not the answer: the code stays
        raise _Unaccepted("unclear", spent=False)
    checked, heard = words_checked(ctx, open_one.language), None
    if checked:
        statement = _sentence(open_one.language, "")  # the words after the code
        sent = await asyncio.to_thread(raw)
        heard = await asyncio.to_thread(
            ctx.code_reader.heard, sent.samples, sent.rate, statement, CODE_DIGITS
        )
        if misheard(heard, open_one.code) > MAX_MISHEARD:
            raise _Unaccepted("wrong_code")
    ref = await asyncio.to_thread(reference, ctx.ingestor.encoder, processed.audio, processed.rate)
    return Reading(open_one, flac(processed), processed.content_hash, checked, heard, ref)


async def _keep(ctx: Context, owner_id: int, voice_id: str, reading: Reading, scores: list[float]) -> None:
    """Spend the code and keep the reading as the voice's consent (recording file and row)."""
    if not await ctx.storage.voice_consents.use(owner_id, reading.challenge.id):
        raise _Unaccepted("expired")  # another answer won the race, or the code just ran out
    path = ctx.storage.files.consent_path(owner_id, voice_id)
    await asyncio.to_thread(ctx.storage.files.write, path, reading.recording)
    await ctx.storage.voice_consents.record(
        VoiceConsent(
            voice_id=voice_id,
            owner_id=owner_id,
            challenge_id=reading.challenge.id,
            sentence_hash=hashlib.sha256(reading.challenge.sentence.encode()).hexdigest(),
            words_checked=reading.checked,
            heard=reading.heard,
            speaker_score=round(float(np.mean(scores)), 4) if scores else None,
            embedding=reading.ref.astype(np.float32).tobytes(),
            recording_hash=reading.recording_hash,
            created_at=iso(now()),
        )
    )
    await ctx.storage.audit.log(owner_id, "consent.voice_verified", voice_id, wordsChecked=reading.checked)


async def answer(ctx: Context, owner_id: int, voice: Voice, data: bytes, locale: str | None) -> Verified:
    """Judge a recording of the voice's challenge (a chat); on success it becomes the voice's
    consent reference and the samples kept before it that are not the same speaker go. A refusal
    says why and, when the code is spent, gives the next one."""
    open_one = await ctx.storage.voice_consents.open_challenge(owner_id, voice.id)
    processed = await asyncio.to_thread(ctx.ingestor.from_bytes, data, ctx.cleaning)  # AudioError: caller
    try:
        reading = await _judge(
            ctx, owner_id, open_one, processed, lambda: decode_bytes(data, CODE_RATE, ctx.ingestor.limits)
        )
        others, scores = [], []
        for sample in await ctx.storage.samples.list(owner_id, voice.id):
            audio, rate = await asyncio.to_thread(_read, ctx, owner_id, sample.id)
            found = await asyncio.to_thread(
                match, ctx.ingestor.encoder, reading.ref, audio, rate, ctx.speaker_threshold
            )
            scores.append(found.lowest)
            if not found.matches:
                others.append(sample.id)
        if scores and len(others) == len(scores):
            raise _Unaccepted("other_speaker")
        await _keep(ctx, owner_id, voice.id, reading, scores)
    except _Unaccepted as why:
        said = t(locale, f"vconsent.{why.key}")
        if why.spent:
            said += "\n" + await ask(ctx, owner_id, voice, locale)
        raise Refusal(f"consent_{why.key}", said) from None
    for sample_id in others:
        await ctx.storage.delete_sample(owner_id, sample_id)
    return Verified(reading.checked, len(others))


async def for_new_voice(
    ctx: Context, owner_id: int, challenge_id: str, data: bytes, locale: str | None
) -> Reading:
    """A reading sent with a request that makes a voice (CLI, HTTP API): judged before the voice
    exists; ``keep`` it once the voice does. Its uploads are then checked against it one by one."""
    open_one = await ctx.storage.voice_consents.challenge(owner_id, challenge_id)
    processed = await asyncio.to_thread(ctx.ingestor.from_bytes, data, ctx.cleaning)
    try:
        return await _judge(
            ctx, owner_id, open_one, processed, lambda: decode_bytes(data, CODE_RATE, ctx.ingestor.limits)
        )
    except _Unaccepted as why:
        if why.spent and open_one is not None:
            await ctx.storage.voice_consents.use(owner_id, open_one.id)
        raise _for_request(why, locale) from None


async def keep(ctx: Context, owner_id: int, voice_id: str, reading: Reading, locale: str | None) -> None:
    try:
        await _keep(ctx, owner_id, voice_id, reading, [])
    except _Unaccepted as why:
        raise _for_request(why, locale) from None


def _for_request(why: _Unaccepted, locale: str | None) -> Refusal:
    """A request's reading not accepted: why, and that a new challenge is needed (no chat to give it)."""
    return Refusal(
        f"consent_{why.key}", t(locale, f"vconsent.{why.key}") + " " + t(locale, "vconsent.new_challenge")
    )


async def check_sample(ctx: Context, owner_id: int, voice: Voice, processed: ProcessedSample) -> None:
    """A new sample against the voice's consent recording (nothing to check before there is one):
    ``OtherSpeakerError`` when another voice speaks in it, ``UnverifiableSpeakerError`` when it is
    too poor to tell."""
    consent = await ctx.storage.voice_consents.get(owner_id, voice.id) if required(ctx) else None
    if consent is None:
        return
    ref = np.frombuffer(consent.embedding, dtype=np.float32)
    found = await asyncio.to_thread(
        match, ctx.ingestor.encoder, ref, processed.audio, processed.rate, ctx.speaker_threshold
    )
    if found.matches:
        return
    if processed.quality == "poor":  # noise and clipping pull the score down like another voice does
        raise UnverifiableSpeakerError("too poor to verify the speaker", quality=processed.quality)
    at = round(found.first_other or 0)
    raise OtherSpeakerError(f"another speaker from {at} s of speech", at=at)


def _read(ctx: Context, owner_id: int, sample_id: str) -> tuple[np.ndarray, int]:
    data = ctx.storage.files.read(ctx.storage.files.sample_path(owner_id, sample_id))
    audio, rate = soundfile.read(io.BytesIO(data), dtype="float32")
    return audio, rate
