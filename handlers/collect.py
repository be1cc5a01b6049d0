"""Guided collection in a chat: /newvoice, a sentence to read per voice note, feedback on each note
(kept, or why not), a progress bar toward the tier's minimum, then /train.

The sentence a person was asked to read becomes the sample's transcript (and its emotion tag), so
their notes can also fine-tune a premium voice.
"""

from __future__ import annotations

import asyncio
import re
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from engine.audio.tiers import TIERS, VOICE_TYPES
from engine.errors import AudioError
from engine.jobs.queue import JobSpec, QueueError
from handlers import quotas
from handlers.chat import Action, Button, Queued, Reply, Sender, reply_to
from handlers.consent import require
from handlers.context import Context
from handlers.errors import Refusal
from handlers.messages import describe, locale_of, t
from handlers.samples import SampleMeta, store_sample
from handlers.scripts import sentence
from handlers.voices import voice_name
from storage.records import Voice

_TAG = re.compile(r"\s*\((excited|sad|happy|calm|angry)\)\s*$")


@dataclass(frozen=True, slots=True)
class Incoming:
    """An audio attachment as the platform describes it, fetched only once the checks pass."""

    fetch: Callable[[], Awaitable[bytes]]
    size: int | None  # bytes, as declared by the platform
    mime: str | None  # as declared; None for a platform's own voice-note type
    duration: float | None = None  # seconds, as declared (voice notes and audio files say it)

    @property
    def audio(self) -> bool:
        """Whether the declared type can be audio (an Ogg voice note may say video/ogg)."""
        return (
            self.mime is None
            or self.mime.startswith("audio/")
            or self.mime in ("video/ogg", "application/ogg")
        )


def _script(language: str, index: int) -> tuple[str, str | None]:
    """(words to read, emotion) for the index-th note."""
    line = sentence(language, index)
    match = _TAG.search(line)
    return (_TAG.sub("", line), match.group(1) if match else None)


def _bar(have: float, need: float) -> str:
    filled = min(10, int(10 * have / need)) if need else 10
    return f"[{'■' * filled}{'□' * (10 - filled)}] {have:.0f}/{need:.0f} s"


async def collecting(ctx: Context, owner_id: int) -> Voice | None:
    voices = [v for v in await ctx.storage.voices.list(owner_id) if v.status == "collecting"]
    return voices[-1] if voices else None


async def new_voice(ctx: Context, sender: Sender, name: str) -> Reply:
    user = await require(ctx, sender)
    name = voice_name(name or t(sender.locale, "voice.default_name"))
    if name is None:
        raise Refusal("invalid_request", t(sender.locale, "voice.bad_name"))
    language = locale_of(sender.locale)
    if await ctx.storage.voices.by_name(user.id, name) is not None:
        raise Refusal("name_taken", t(sender.locale, "voice.name_taken", name=name))
    voice = await ctx.storage.voices.create(
        user.id, name, [language], "instant", ctx.default_engine, ctx.retention_days
    )
    buttons = tuple(
        (Button(t(sender.locale, f"tier.{v}"), Action.of("tier", voice.id, v)),) for v in VOICE_TYPES
    )
    return Reply(t(sender.locale, "voice.choose_type", name=name), buttons)


async def choose_type(ctx: Context, sender: Sender, voice_id: str, voice_type: str) -> Reply:
    user = await require(ctx, sender)
    voice = await ctx.storage.voices.get(user.id, voice_id)
    if voice is None or voice.status != "collecting" or voice_type not in VOICE_TYPES:
        raise Refusal("not_found", t(sender.locale, "voice.not_collecting"))
    await ctx.storage.voices.update(user.id, voice_id, voice_type=voice_type)
    words, _ = _script(voice.languages[0], 0)
    return Reply(t(sender.locale, "collect.first", seconds=TIERS[voice_type].min_seconds, sentence=words))


async def add_sample(ctx: Context, sender: Sender, incoming: Incoming, max_bytes: int) -> Reply:
    """Check, fetch, clean and keep one note; the reply says what happened and what to read next."""
    user = await require(ctx, sender)  # before anything is fetched or kept
    voice = await collecting(ctx, user.id)
    if voice is None:
        raise Refusal("no_voice", t(sender.locale, "collect.no_voice"))
    if not incoming.audio:
        raise Refusal("not_audio", t(sender.locale, "collect.not_audio"))
    if incoming.size is not None and incoming.size > max_bytes:
        raise Refusal("too_large", t(sender.locale, "collect.too_large", mb=max_bytes // 2**20))
    longest = ctx.ingestor.limits.max_seconds
    if incoming.duration is not None and incoming.duration > longest:  # refused before the download
        raise Refusal(
            "too_long",
            t(sender.locale, "collect.too_long", seconds=round(incoming.duration), limit=round(longest)),
        )
    samples = await ctx.storage.samples.list(user.id, voice.id)
    language = voice.languages[0]
    words, emotion = _script(language, len(samples))
    data = await incoming.fetch()
    try:
        processed = await asyncio.to_thread(ctx.ingestor.from_bytes, data, ctx.cleaning)
    except AudioError as exc:
        reason = describe(sender.locale, exc)
        return Reply(t(sender.locale, "collect.rejected", reason=reason, sentence=words))
    meta = SampleMeta(transcript=words, language=language, emotion=emotion)
    kept = await store_sample(ctx.storage, user.id, voice.id, processed, meta)
    have = sum(s.speech_duration for s in samples)
    if kept.id not in {s.id for s in samples}:  # not a note sent twice
        have += kept.speech_duration
    tier = TIERS[voice.voice_type]
    following, _ = _script(language, len(samples) + 1)
    key = "collect.kept_ready" if have >= tier.min_seconds else "collect.kept"
    return Reply(
        t(
            sender.locale,
            key,
            seconds=f"{processed.speech_duration:.1f}",
            quality=processed.quality,
            bar=_bar(have, tier.min_seconds),
            sentence=following,
        )
    )


async def train(ctx: Context, sender: Sender, idempotency_key: str | None) -> Queued:
    """Queue the training of the voice being collected."""
    user = await require(ctx, sender)
    voice = await collecting(ctx, user.id)
    if voice is None:
        raise Refusal("no_voice", t(sender.locale, "collect.no_voice"))
    have = sum(s.speech_duration for s in await ctx.storage.samples.list(user.id, voice.id))
    need = TIERS[voice.voice_type].min_seconds
    if have < need:
        raise Refusal("not_enough_audio", t(sender.locale, "collect.not_enough", bar=_bar(have, need)))
    await quotas.check(ctx, user.id, "train", sender.locale)
    payload: dict[str, Any] = {
        "voiceId": voice.id,
        "engine": voice.engine,
        "language": voice.languages[0],
        "voiceType": voice.voice_type,
        "fromSamples": True,
        "threshold": ctx.consistency_threshold,
        "locale": locale_of(sender.locale),  # a refusal is kept and told in the person's words
    }
    # "processing" before the job exists: a fast worker's "completed" must not be overwritten.
    await ctx.storage.voices.update(user.id, voice.id, status="processing", current_step="queued")
    try:
        job = await ctx.engine.submit(
            JobSpec(
                "train",
                user.id,
                payload,
                voice.id,
                idempotency_key=idempotency_key,
                max_tries=ctx.max_tries,
                reply_to=reply_to(sender, "text"),
            )
        )
    except QueueError as exc:
        await ctx.storage.voices.update(user.id, voice.id, status="collecting", current_step=None)
        raise Refusal.of(exc) from None
    return Queued(
        Reply(t(sender.locale, "train.queued", name=voice.name, position=job.position or 0)), user.id, job.id
    )
