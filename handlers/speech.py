"""Speaking with a voice: checks and queueing here; the synthesis runs in the worker (``run_speak``,
``run_batch``), sentence by sentence, each chunk published as it is ready."""

from __future__ import annotations

import asyncio
import dataclasses
import hashlib
import io
import re
import zipfile
from typing import Any

import numpy as np
import soundfile

from engine.errors import InvalidRequestError, TextTooLongError
from engine.jobs.queue import JobContext, JobSpec, QueueError
from engine.speech import provenance
from engine.speech import text as text_rules
from engine.speech.backends.base import EngineUnavailable
from engine.speech.render import SpeechOptions, adjust, render
from handlers import account, notices, quotas, receipts
from handlers.chat import Queued, Reply, Sender, reply_to, where_of
from handlers.consent import require
from handlers.context import Context
from handlers.errors import Refusal
from handlers.messages import describe, locale_of, t

MAX_BATCH = 100
AUDIO_SUFFIX = re.compile(r"\.(mp3|wav|flac|ogg|opus|aac|m4a)$", re.IGNORECASE)


async def _usable(ctx: Context, owner_id: int, voice_id: str, language: str | None) -> str:
    voice = await ctx.storage.voices.get_usable(owner_id, voice_id)
    if voice is None:
        raise Refusal("not_found", "No ready voice with that id among yours.")
    return language or voice.languages[0]


def _check_text(text: str, language: str, where: str = "", locale: str | None = None) -> None:
    try:
        text_rules.validate(text, language)
    except TextTooLongError as exc:  # the chat's most likely mistake, said in the person's words
        raise Refusal(
            exc.code, where + t(locale, "speak.too_long", count=exc.length, limit=exc.limit)
        ) from None
    except InvalidRequestError as exc:
        if exc.key in ("text_empty", "text_unspeakable"):  # a person's mistake: in their words
            raise Refusal(exc.code, where + describe(locale, exc), exc.key) from None
        raise Refusal.of(exc, where) from None


async def _submit(
    ctx: Context,
    kind: str,
    owner_id: int,
    voice_id: str,
    texts: dict[str, Any],
    language: str,
    options: SpeechOptions,
    *,
    live: bool,
    idempotency_key: str | None,
    reply_to: dict[str, Any] | None,
    locale: str | None,
    where: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """Queue a speech or batch job whose ``texts`` are checked: the owner's quota, then the queue.
    ``where`` (``handlers.chat.where_of``) goes on the receipts."""
    await quotas.check(ctx, owner_id, kind, locale)
    payload = {"voiceId": voice_id, **texts, "language": language, "options": dataclasses.asdict(options)}
    payload["locale"] = locale_of(locale)  # what the worker says (a quota reached) is in their words
    payload["where"] = where or {}
    spec = JobSpec(kind, owner_id, payload, voice_id, live, idempotency_key, ctx.max_tries, reply_to)
    try:
        job = await ctx.engine.submit(spec)
    except QueueError as exc:
        raise Refusal.of(exc) from None
    return {"jobId": job.id, "status": job.status, "progress": job.progress_json()}


async def submit_speech(
    ctx: Context,
    owner_id: int,
    voice_id: str,
    text: str,
    options: SpeechOptions,
    language: str | None = None,
    *,
    live: bool = False,
    idempotency_key: str | None = None,
    reply_to: dict[str, Any] | None = None,
    locale: str | None = None,
    where: dict[str, Any] | None = None,
) -> dict[str, Any]:
    language = await _usable(ctx, owner_id, voice_id, language)
    _check_text(text, language, locale=locale)
    return await _submit(
        ctx, "speak", owner_id, voice_id, {"text": text}, language, options,
        live=live, idempotency_key=idempotency_key, reply_to=reply_to, locale=locale, where=where,
    )  # fmt: skip


async def submit_batch(
    ctx: Context,
    owner_id: int,
    voice_id: str,
    texts: list[str],
    options: SpeechOptions,
    language: str | None = None,
    *,
    filenames: list[str | None] | None = None,
    idempotency_key: str | None = None,
    reply_to: dict[str, Any] | None = None,
    locale: str | None = None,
    where: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """Many texts for one voice as one job: one file each (named as asked, else by position) and a
    zip. Empty texts are dropped, with their names."""
    language = await _usable(ctx, owner_id, voice_id, language)
    named = [(text.strip(), name) for text, name in zip(texts, filenames or [None] * len(texts), strict=True)]
    named = [(text, name) for text, name in named if text]
    texts = [text for text, _ in named]
    if not texts:
        raise Refusal("invalid_request", t(locale, "batch.empty"))
    if len(texts) > MAX_BATCH:
        raise Refusal("invalid_request", t(locale, "batch.too_many", limit=MAX_BATCH, count=len(texts)))
    for index, text in enumerate(texts, 1):
        _check_text(text, language, t(locale, "batch.line", line=index), locale)
    names = file_names([name for _, name in named], options.output_format)
    return await _submit(
        ctx, "batch", owner_id, voice_id, {"texts": texts, "filenames": names}, language, options,
        live=False, idempotency_key=idempotency_key, reply_to=reply_to, locale=locale, where=where,
    )  # fmt: skip


def file_names(asked: list[str | None], extension: str) -> list[str]:
    """A safe, unique name in the zip for each text: the one asked for (its last path part, plain
    characters, the format's extension) or ``speech_001`` by position."""
    names: list[str] = []
    for index, name in enumerate(asked, 1):
        stem = re.sub(r"[^\w.-]+", "_", (name or "").replace("\\", "/").rsplit("/", 1)[-1]).strip("._")
        stem = AUDIO_SUFFIX.sub("", stem)[:80] or f"speech_{index:03d}"
        unique, n = stem, 1
        while f"{unique}.{extension}".lower() in {x.lower() for x in names}:
            n += 1
            unique = f"{stem}_{n}"
        names.append(f"{unique}.{extension}")
    return names


def _wav(audio: np.ndarray, rate: int) -> bytes:
    buffer = io.BytesIO()
    soundfile.write(buffer, audio, rate, format="WAV", subtype="PCM_16")
    return buffer.getvalue()


def _generation_id(job_id: str, item: int) -> str:
    """The same for a job's item on every try, so an item redone after a worker died has one
    receipt and one file, not two (shaped like ``new_id``)."""
    digest = hashlib.sha256(f"{job_id}/{item}".encode()).hexdigest()
    return f"gen_{digest[:12]}_{digest[12:24]}"


async def _say(
    ctx: Context,
    job: JobContext,
    text: str,
    language: str,
    options: SpeechOptions,
    chunks: bool,
    item: int = 0,
) -> dict[str, Any]:
    """One text: with ``chunks``, each sentence published (and progress reported) as it comes; then
    the rendered file and a receipt."""
    owner_id, voice_id = job.job.owner_id, job.job.payload["voiceId"]
    voice = await ctx.storage.voices.get_usable(owner_id, voice_id)
    if voice is None:
        raise Refusal("not_found", "The voice is gone or no longer usable.", "voice_gone")
    try:
        backend = ctx.backend_for(voice.engine)
        await asyncio.to_thread(backend.ready)
    except EngineUnavailable as exc:
        raise Refusal.of(exc, f"This voice needs the {voice.engine} engine: ") from None
    try:  # never speech without its mark when the operator asked for one
        if ctx.watermarker:
            await asyncio.to_thread(ctx.watermarker.ready)
    except EngineUnavailable as exc:
        raise Refusal.of(exc, "Speech is marked before it is sent: ") from None
    prepared = await ctx.load_voice(owner_id, voice_id)
    stream = backend.synthesize(prepared, text, language, options)
    total = max(1, len(text_rules.prepare(text, language)))
    parts, rate = [], 0
    while True:
        async with ctx.speaking:  # streams served at once take turns, a sentence each
            chunk = await asyncio.to_thread(next, stream, None)
        if chunk is None:
            break
        rate = chunk.rate
        audio = chunk.audio
        if ctx.watermarker:  # sentence by sentence, so what streams is marked as the file is
            audio = await asyncio.to_thread(ctx.watermarker.mark, audio, rate)
        parts.append(audio)
        if chunks:  # as the person asked it: their speed (unless the engine applied it) and pitch
            speed = 1.0 if backend.handles_speed else options.speed
            heard = await asyncio.to_thread(adjust, audio, rate, speed, options.pitch)
            path = ctx.storage.files.job_dir(owner_id, job.job.id) / f"chunk_{chunk.index:03d}.wav"
            await asyncio.to_thread(ctx.storage.files.write, path, _wav(heard, rate))
            await job.emit(
                "chunk",
                {"index": chunk.index, "path": str(path), "duration": round(len(heard) / rate, 3)},
            )
            await job.step("speaking", 90.0 * (chunk.index + 1) / total)
    audio = np.concatenate(parts)
    generation_id = _generation_id(job.job.id, item)  # carried by the file itself (provenance)
    # made before only on a later try (a worker died after it): then the owner was told already
    redone = job.job.attempts > 1 and await ctx.storage.generations.get(owner_id, generation_id) is not None
    marking = provenance.tags(generation_id, voice_id)
    data = await asyncio.to_thread(render, audio, rate, options, backend.handles_speed, marking)
    duration = len(audio) / rate / (1.0 if backend.handles_speed else options.speed)
    # the file first: a receipt is never for a file that could not be kept (a full disk)
    path = ctx.storage.files.output_path(owner_id, generation_id, options.output_format)
    await asyncio.to_thread(ctx.storage.files.write, path, data)
    owner = await ctx.storage.users.get(owner_id)
    receipt = await ctx.storage.generations.record(
        owner_id,
        voice_id,
        text_chars=len(text),
        duration=duration,
        format=options.output_format,
        sample_rate=options.sample_rate,
        job_id=job.job.id,
        generation_id=generation_id,
        fingerprint=provenance.fingerprint(data),
        where=job.job.payload.get("where"),
        excerpt=receipts.excerpt(text, owner.settings if owner else {}),
    )
    if not redone:  # told once, whatever the tries
        await notices.tell_use(ctx, owner, voice.name, receipt)  # if the owner asked to be told
    return {
        "audioUrl": path.as_uri(),
        "path": str(path),
        "duration": round(duration, 2),
        "voiceId": voice_id,
        "format": options.output_format,
        "sampleRate": options.sample_rate,
        "emotion": options.emotion,
        "generatedAt": receipt.created_at,
        "generationId": receipt.id,
    }


def _options(payload: dict[str, Any]) -> SpeechOptions:
    return SpeechOptions(**payload["options"])


async def run_speak(ctx: Context, job: JobContext) -> dict[str, Any]:
    payload = job.job.payload
    await job.step("speaking", 0.0)
    return await _say(ctx, job, payload["text"], payload["language"], _options(payload), True)


async def run_batch(ctx: Context, job: JobContext) -> dict[str, Any]:
    """Item by item; finished items are kept in the checkpoint, so a requeued batch resumes."""
    payload, owner_id = job.job.payload, job.job.owner_id
    options, texts = _options(payload), payload["texts"]
    items: list[dict[str, Any]] = list((job.checkpoint or {}).get("items", []))
    resumed_at = len(items)
    names = payload.get("filenames") or file_names([None] * len(texts), options.output_format)
    for index in range(resumed_at, len(texts)):
        if index > resumed_at:
            await job.take_turns()  # fair share: another user's job goes between two items
        # never past the day's minutes, the owner's or the server's
        await quotas.speech_left(ctx, owner_id, payload.get("locale"), payload.get("where"))
        await job.step("speaking", 100.0 * index / len(texts))
        item = await _say(ctx, job, texts[index], payload["language"], options, False, index)
        items.append(item | {"filename": names[index]})
        job.checkpoint = {"items": items}

    def pack() -> str:
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_STORED) as archive:
            for item in items:
                archive.write(item["path"], item["filename"])
        path = ctx.storage.files.job_dir(owner_id, job.job.id) / "batch.zip"
        ctx.storage.files.write(path, buffer.getvalue())
        return str(path)

    zip_path = await asyncio.to_thread(pack)
    return {
        "voiceId": payload["voiceId"],
        "format": options.output_format,
        "sampleRate": options.sample_rate,
        "count": len(items),
        "items": items,
        "zip": zip_path,
    }


async def _chat_speaker(
    ctx: Context, sender: Sender, voice: str | None = None, overrides: dict[str, Any] | None = None
) -> tuple[int, str, SpeechOptions, str]:
    """(user id, voice, speech options, how to send) for chat speech: the person's settings, with
    ``voice`` (an id or name of theirs) and ``overrides`` (stored names) for this text only."""
    user = await require(ctx, sender)
    if voice:
        voice_id = await account.voice_named(ctx, user, voice, sender.locale)
    elif (voice_id := await account.voice_for(ctx, user)) is None:
        raise Refusal("no_voice", t(sender.locale, "speak.no_voice"))
    settings = user.settings | {k: v for k, v in (overrides or {}).items() if v is not None}
    try:
        options, send_as = account.speech_options(settings)
    except InvalidRequestError as exc:  # the platform checks ranges; this is the last word
        raise Refusal.of(exc) from None
    return user.id, voice_id, options, send_as


async def say_in_chat(
    ctx: Context,
    sender: Sender,
    text: str,
    idempotency_key: str | None,
    voice: str | None = None,
    overrides: dict[str, Any] | None = None,
) -> Queued:
    """Text in a chat: said with the person's chosen (or newest ready) voice and settings, or with
    the voice and options given for this text (``/speak``)."""
    owner_id, voice_id, options, send_as = await _chat_speaker(ctx, sender, voice, overrides)
    target = reply_to(sender, send_as)
    queued = await submit_speech(
        ctx, owner_id, voice_id, text, options, idempotency_key=idempotency_key, reply_to=target,
        locale=sender.locale, where=where_of(sender),
    )  # fmt: skip
    return Queued(None, owner_id, queued["jobId"])


async def batch_in_chat(
    ctx: Context, sender: Sender, text: str, idempotency_key: str | None, voice: str | None = None
) -> Queued:
    """``/batch`` with one text per line: one job, the files come back together as a zip."""
    owner_id, voice_id, options, _ = await _chat_speaker(ctx, sender, voice)
    lines = [line for line in text.splitlines() if line.strip()]
    queued = await submit_batch(
        ctx, owner_id, voice_id, lines, options, idempotency_key=idempotency_key,
        reply_to=reply_to(sender, "zip"), locale=sender.locale, where=where_of(sender),
    )  # fmt: skip
    position = queued["progress"]["queuePosition"] or 0
    reply = Reply(t(sender.locale, "batch.queued", count=len(lines), position=position))
    return Queued(reply, owner_id, queued["jobId"])


async def say_live(ctx: Context, sender: Sender, text: str, voice: str | None, key: str | None) -> Queued:
    """A line for a voice channel: the person's voice (or ``voice``) and speed, pitch and emotion,
    as a live job (served before everything else); the adapter plays its chunks as they come."""
    owner_id, voice_id, options, _ = await _chat_speaker(ctx, sender, voice)
    return await _live(ctx, owner_id, voice_id, text, options, sender.locale, key, where_of(sender))


async def line_for(
    ctx: Context, owner_id: int, voice_id: str, text: str, key: str | None, by: Sender, by_id: int | None
) -> Queued:
    """A live line in a voice its owner lent to a server, asked by someone else (``by``; their
    user id if they have one), said with the owner's own settings."""
    owner = await ctx.storage.users.get(owner_id)
    options, _ = account.speech_options(owner.settings if owner else {})
    return await _live(ctx, owner_id, voice_id, text, options, by.locale, key, where_of(by, by_id or None))


async def _live(
    ctx: Context,
    owner_id: int,
    voice_id: str,
    text: str,
    options: SpeechOptions,
    locale: str | None,
    key: str | None,
    where: dict[str, Any],
) -> Queued:
    live = dataclasses.replace(options, output_format="ogg", sample_rate=48000)
    queued = await submit_speech(
        ctx, owner_id, voice_id, text, live, live=True, idempotency_key=key, locale=locale, where=where
    )
    return Queued(None, owner_id, queued["jobId"])
