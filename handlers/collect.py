"""Guided collection in a chat: /newvoice, a sentence to read per voice note, feedback on each note
(kept, or why not), a progress bar toward the tier's minimum, then /train.

The sentence a person was asked to read becomes the sample's transcript (and its emotion tag), so
their notes can also fine-tune a premium voice.
"""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from typing import Any

from engine.audio.tiers import TIERS, VOICE_TYPES
from engine.errors import AudioError
from engine.jobs.queue import JobSpec, QueueError
from handlers import checks, quotas, voice_consent
from handlers.chat import Action, Button, Queued, Reply, Sender, reply_to
from handlers.consent import require
from handlers.context import Context
from handlers.errors import Refusal
from handlers.messages import describe, locale_of, t
from handlers.scripts import sentence
from handlers.voices import voice_name
from storage.records import User, Voice

_TAG = re.compile(r"\s*\((excited|sad|happy|calm|angry)\)\s*$")


class DownloadFailed(Exception):
    """What an adapter's ``fetch`` raises when the platform would not give the file (gone, a network
    error): the person is asked to send it again, nothing is kept."""


@dataclass(frozen=True, slots=True)
class Incoming:
    """An audio attachment as the platform describes it, fetched only once the checks pass."""

    fetch: Callable[[], Awaitable[bytes]]
    size: int | None  # bytes, as declared by the platform
    mime: str | None  # as declared; None for a platform's own voice-note type
    duration: float | None = None  # seconds, as declared (voice notes and audio files say it)
    name: str = ""  # the file's name, to say which of several was kept or not

    async def read(self, locale: str | None) -> bytes:
        try:
            return await self.fetch()
        except DownloadFailed:
            raise Refusal("download_failed", t(locale, "collect.download_failed")) from None

    @property
    def audio(self) -> bool:
        """Whether the declared type can hold audio: a video is used for its sound (the decoder
        refuses one without a sound track in words); an Ogg voice note may say application/ogg."""
        return (
            self.mime is None or self.mime.startswith(("audio/", "video/")) or self.mime == "application/ogg"
        )


@dataclass(frozen=True, slots=True)
class Kept:
    """What a kept note's reply says of it."""

    speech_duration: float
    quality: str


def _script(language: str, index: int) -> tuple[str, str | None]:
    """(words to read, emotion) for the index-th note."""
    line = sentence(language, index)
    match = _TAG.search(line)
    return (_TAG.sub("", line), match.group(1) if match else None)


def bar(have: float, need: float) -> str:
    filled = min(10, int(10 * have / need)) if need else 10
    return f"[{'■' * filled}{'□' * (10 - filled)}] {have:.0f}/{need:.0f} s"


async def collecting(ctx: Context, owner_id: int) -> Voice | None:
    voices = [v for v in await ctx.storage.voices.list(owner_id) if v.status == "collecting"]
    return voices[-1] if voices else None


async def new_voice(
    ctx: Context,
    sender: Sender,
    name: str,
    voice_type: str | None = None,
    language: str | None = None,
) -> Reply:
    """A voice to collect samples for. Without ``voice_type`` the kind is chosen by button next; the
    language is the person's unless given."""
    user = await require(ctx, sender)
    name = voice_name(name or t(sender.locale, "voice.default_name"))
    if name is None:
        raise Refusal("invalid_request", t(sender.locale, "voice.bad_name"))
    if voice_type is not None and voice_type not in VOICE_TYPES:
        raise Refusal("invalid_request", t(sender.locale, "voice.not_collecting"))
    language = locale_of(language or sender.locale)
    if await ctx.storage.voices.by_name(user.id, name) is not None:
        raise Refusal("name_taken", t(sender.locale, "voice.name_taken", name=name))
    voice = await ctx.storage.voices.create(
        user.id, name, [language], voice_type or "instant", ctx.default_engine, ctx.retention_days
    )
    if voice_type is not None:
        return await _first(ctx, sender, voice, voice_type)
    buttons = tuple(
        (Button(t(sender.locale, f"tier.{v}"), Action.of("tier", voice.id, v)),) for v in VOICE_TYPES
    )
    return Reply(t(sender.locale, "voice.choose_type", name=name), buttons)


async def _first(ctx: Context, sender: Sender, voice: Voice, voice_type: str) -> Reply:
    """The first sentence to read, after the consent challenge when the voice still needs one."""
    words, _ = _script(voice.languages[0], 0)
    first = t(sender.locale, "collect.first", seconds=TIERS[voice_type].min_seconds, sentence=words)
    if not await voice_consent.pending(ctx, voice.owner_id, voice):
        return Reply(first)
    return Reply(await voice_consent.ask(ctx, voice.owner_id, voice, sender.locale))


async def choose_type(ctx: Context, sender: Sender, voice_id: str, voice_type: str) -> Reply:
    user = await require(ctx, sender)
    voice = await ctx.storage.voices.get(user.id, voice_id)
    if voice is None or voice.status != "collecting" or voice_type not in VOICE_TYPES:
        raise Refusal("not_found", t(sender.locale, "voice.not_collecting"))
    await ctx.storage.voices.update(user.id, voice_id, voice_type=voice_type)
    return await _first(ctx, sender, voice, voice_type)


async def add_sample(ctx: Context, sender: Sender, incoming: Incoming, max_bytes: int) -> Reply:
    """Check, fetch, clean and keep one note; the reply says what happened and what to read next."""
    user, voice = await _collecting_for(ctx, sender)
    if await voice_consent.pending(ctx, user.id, voice):
        return await _consent(ctx, sender, voice, incoming, max_bytes)
    samples = await ctx.storage.samples.list(user.id, voice.id)
    words, _ = _script(voice.languages[0], len(samples))
    try:
        processed, new = await _keep(ctx, sender, user.id, voice, incoming, max_bytes, len(samples))
    except AudioError as exc:
        reason = describe(sender.locale, exc)
        return Reply(t(sender.locale, "collect.rejected", reason=reason, sentence=words))
    have = sum(s.speech_duration for s in samples) + (processed.speech_duration if new else 0.0)
    tier = TIERS[voice.voice_type]
    following, _ = _script(voice.languages[0], len(samples) + 1)
    key = "collect.kept_ready" if have >= tier.min_seconds else "collect.kept"
    return Reply(
        t(
            sender.locale,
            key,
            seconds=f"{processed.speech_duration:.1f}",
            quality=processed.quality,
            bar=bar(have, tier.min_seconds),
            sentence=following,
        )
    )


async def add_samples(
    ctx: Context, sender: Sender, incoming: Sequence[Incoming], max_bytes: int, reading: bool = True
) -> Reply:
    """Several attachments at once: one line per file (kept, or why not), then the progress and the
    sentence to read next. A file refused leaves nothing and does not stop the others.

    While the voice waits for its consent recording, one file sent alone is that recording (unless
    not ``reading``: files given with the voice's creation, before the challenge was seen); files
    sent together are samples, checked against the recording when it comes."""
    user, voice = await _collecting_for(ctx, sender)
    waiting = await voice_consent.pending(ctx, user.id, voice)
    if len(incoming) == 1 and (reading or not waiting):
        return await add_sample(ctx, sender, incoming[0], max_bytes)
    lines = []
    for number, item in enumerate(incoming, 1):
        label = item.name or str(number)
        index = len(await ctx.storage.samples.list(user.id, voice.id))
        try:
            processed, _ = await _keep(ctx, sender, user.id, voice, item, max_bytes, index)
        except (AudioError, Refusal) as exc:
            reason = exc.message if isinstance(exc, Refusal) else describe(sender.locale, exc)
            lines.append(t(sender.locale, "collect.file_refused", name=label, reason=reason))
            continue
        seconds = f"{processed.speech_duration:.1f}"
        lines.append(
            t(sender.locale, "collect.file_kept", name=label, seconds=seconds, quality=processed.quality)
        )
    if waiting:  # what to do next is the consent recording, not a sentence
        lines.append(await voice_consent.ask(ctx, user.id, voice, sender.locale, reuse=True))
        return Reply("\n".join(lines))
    lines.append(await _progress(ctx, sender, voice))
    return Reply("\n".join(lines))


async def _progress(ctx: Context, sender: Sender, voice: Voice) -> str:
    """The progress bar toward the tier's minimum and the sentence to read next."""
    samples = await ctx.storage.samples.list(voice.owner_id, voice.id)
    have, need = sum(s.speech_duration for s in samples), TIERS[voice.voice_type].min_seconds
    following, _ = _script(voice.languages[0], len(samples))
    key = "collect.progress_ready" if have >= need else "collect.progress"
    return t(sender.locale, key, bar=bar(have, need), sentence=following)


async def _consent(ctx: Context, sender: Sender, voice: Voice, incoming: Incoming, max_bytes: int) -> Reply:
    """The recording of the consent challenge: verified, then the first sentence to read; else why
    not (with the next code when the old one is spent)."""
    check_declared(sender, incoming, max_bytes, ctx.ingestor.limits.max_seconds)
    data = await incoming.read(sender.locale)
    try:
        outcome = await checks.run(ctx, "consent", voice.owner_id, voice.id, data, {"locale": sender.locale})
    except AudioError as exc:  # the code stays good: the same sentence again
        again = await voice_consent.ask(ctx, voice.owner_id, voice, sender.locale, reuse=True)
        return Reply(t(sender.locale, "collect.not_kept", reason=describe(sender.locale, exc)) + "\n" + again)
    except Refusal as exc:
        return Reply(exc.message)
    lines = [
        t(sender.locale, "vconsent.verified" if outcome["wordsChecked"] else "vconsent.verified_speaker")
    ]
    if outcome["removed"]:
        lines.append(t(sender.locale, "vconsent.removed", count=outcome["removed"]))
    lines.append(await _progress(ctx, sender, voice))
    return Reply("\n".join(lines))


def check_declared(sender: Sender, incoming: Incoming, max_bytes: int, longest: float) -> None:
    """The platform's word on type, size and length, checked before anything is downloaded."""
    if not incoming.audio:
        raise Refusal("not_audio", t(sender.locale, "collect.not_audio"))
    if incoming.size is not None and incoming.size > max_bytes:
        raise Refusal("too_large", t(sender.locale, "collect.too_large", mb=max_bytes // 2**20))
    if incoming.duration is not None and incoming.duration > longest:
        raise Refusal(
            "too_long",
            t(sender.locale, "collect.too_long", seconds=round(incoming.duration), limit=round(longest)),
        )


async def _collecting_for(ctx: Context, sender: Sender) -> tuple[User, Voice]:
    user = await require(ctx, sender)  # before anything is fetched or kept
    voice = await collecting(ctx, user.id)
    if voice is None:
        raise Refusal("no_voice", t(sender.locale, "collect.no_voice"))
    return user, voice


async def _keep(
    ctx: Context, sender: Sender, owner_id: int, voice: Voice, incoming: Incoming, max_bytes: int, index: int
) -> tuple[Kept, bool]:
    """The declared type, size and length checked before the download; then fetched, cleaned and
    kept with the sentence it was asked for as its transcript. (sample, whether it is new)."""
    check_declared(sender, incoming, max_bytes, ctx.ingestor.limits.max_seconds)
    data = await incoming.read(sender.locale)
    words, emotion = _script(voice.languages[0], index)
    meta = {"transcript": words, "language": voice.languages[0], "emotion": emotion}
    args = {"meta": meta, "locale": sender.locale}
    outcome = await checks.run(ctx, "sample", owner_id, voice.id, data, args)
    return Kept(outcome["speechDuration"], outcome["quality"]), outcome["new"]


async def train(ctx: Context, sender: Sender, idempotency_key: str | None) -> Queued:
    """Queue the training of the voice being collected."""
    user = await require(ctx, sender)
    voice = await collecting(ctx, user.id)
    if voice is None:
        raise Refusal("no_voice", t(sender.locale, "collect.no_voice"))
    await quotas.check(ctx, user.id, "train", sender.locale)  # first: no use reading a code today
    if await voice_consent.pending(ctx, user.id, voice):
        ask = await voice_consent.ask(ctx, user.id, voice, sender.locale, reuse=True)
        raise Refusal("consent_required", t(sender.locale, "vconsent.needed") + "\n" + ask)
    have = sum(s.speech_duration for s in await ctx.storage.samples.list(user.id, voice.id))
    need = TIERS[voice.voice_type].min_seconds
    if have < need:
        raise Refusal("not_enough_audio", t(sender.locale, "collect.not_enough", bar=bar(have, need)))
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
