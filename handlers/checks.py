"""The checks that need the models — a voice note kept as a sample, a consent recording, the
watermark of a file sent to ``/verify`` — run where the models are: in this process when it serves
the queue (one machine: as before), else as a short ``check`` job a worker runs, so a pool's bot
host (``voicebot run --no-worker``) loads no model. The job runs the same function; a refusal comes
back as data and is raised again here."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Awaitable, Callable
from typing import Any

import numpy as np

from engine.audio.decode import decode_bytes
from engine.audio.ingest import ProcessedSample
from engine.errors import AudioError
from engine.jobs.queue import JobContext, JobSpec, QueueError
from handlers import voice_consent
from handlers.context import Context
from handlers.errors import Refusal
from handlers.messages import t
from handlers.samples import SampleMeta, SampleRejectedError, store_sample
from storage.ids import new_id
from storage.records import Voice

WATERMARK_RATE = 32000  # PerthNet's own rate: decoding straight to it saves a resampling
WAIT_S = 120.0  # the longest a person waits on the pool for a note to be checked

Check = Callable[[Context, int, Any, bytes, dict[str, Any]], Awaitable[dict[str, Any]]]


async def _voice(ctx: Context, owner_id: int, voice_id: str) -> Voice:
    voice = await ctx.storage.voices.get(owner_id, voice_id)
    if voice is None:  # deleted while the note waited
        raise SampleRejectedError("That voice doesn't exist or isn't yours.")
    return voice


async def sample(
    ctx: Context, owner_id: int, voice_id: str, data: bytes, args: dict[str, Any]
) -> dict[str, Any]:
    """Cleaned, checked against the voice's consent recording and kept with its ``meta``."""
    voice = await _voice(ctx, owner_id, voice_id)
    processed: ProcessedSample = await asyncio.to_thread(ctx.ingestor.from_bytes, data, ctx.cleaning)
    await voice_consent.check_sample(ctx, owner_id, voice, processed)  # before it is kept
    before = {s.id for s in await ctx.storage.samples.list(owner_id, voice_id)}
    kept = await store_sample(ctx.storage, owner_id, voice_id, processed, SampleMeta(**args["meta"]))
    return {
        "speechDuration": processed.speech_duration,
        "quality": processed.quality,
        "new": kept.id not in before,  # not a note sent twice
    }


async def consent(
    ctx: Context, owner_id: int, voice_id: str, data: bytes, args: dict[str, Any]
) -> dict[str, Any]:
    """The recording of the voice's consent challenge (``voice_consent.answer``)."""
    voice = await _voice(ctx, owner_id, voice_id)
    verified = await voice_consent.answer(ctx, owner_id, voice, data, args.get("locale"))
    return {"wordsChecked": verified.words_checked, "removed": verified.removed}


async def reading(
    ctx: Context, owner_id: int, _voice: str | None, data: bytes, args: dict[str, Any]
) -> dict[str, Any]:
    """A consent recording sent with a request that makes a voice (``voice_consent.for_new_voice``).
    The cleaned recording and its speaker embedding go beside the staged file for the caller to
    take (not into the job's result, which outlives them)."""
    judged = await voice_consent.for_new_voice(ctx, owner_id, args["challengeId"], data, args.get("locale"))
    files, name = ctx.storage.files, args["input"]
    await asyncio.to_thread(files.write, files.check_path(owner_id, name + "_kept"), judged.recording)
    ref = judged.ref.astype(np.float32).tobytes()
    await asyncio.to_thread(files.write, files.check_path(owner_id, name + "_ref"), ref)
    return {"recordingHash": judged.recording_hash, "wordsChecked": judged.checked, "heard": judged.heard}


async def watermark(
    ctx: Context, _owner: int, _voice: str | None, data: bytes, _args: dict[str, Any]
) -> dict[str, Any]:
    """Whether a file carries the bot's watermark (``/verify``); None: no detector, or no audio."""
    if ctx.watermarker is None:
        return {"watermark": None}
    try:
        decoded = await asyncio.to_thread(decode_bytes, data, WATERMARK_RATE, ctx.ingestor.limits)
    except AudioError:
        return {"watermark": None}
    return {"watermark": await asyncio.to_thread(ctx.watermarker.detect, decoded.samples, decoded.rate)}


CHECKS: dict[str, Check] = {"sample": sample, "consent": consent, "reading": reading, "watermark": watermark}


async def consent_reading(
    ctx: Context, owner_id: int, challenge_id: str, data: bytes, locale: str | None
) -> voice_consent.Reading:
    """The reading of a request's challenge, judged here or on a worker."""
    if ctx.checks_here:
        return await voice_consent.for_new_voice(ctx, owner_id, challenge_id, data, locale)
    name = new_id("check")
    args = {"challengeId": challenge_id, "locale": locale, "input": name}
    files = ctx.storage.files
    handed = [files.check_path(owner_id, name + part) for part in ("_kept", "_ref")]
    try:
        outcome = await run(ctx, "reading", owner_id, None, data, args, name)
        recording, ref = [await asyncio.to_thread(files.read, path) for path in handed]
    finally:
        for path in handed:
            await asyncio.to_thread(files.delete, path)
    challenge = await ctx.storage.voice_consents.challenge(owner_id, challenge_id)
    if challenge is None:  # gone in the moment since the worker judged it
        raise Refusal(
            "consent_expired", t(locale, "vconsent.expired") + " " + t(locale, "vconsent.new_challenge")
        )
    return voice_consent.Reading(
        challenge,
        recording,
        outcome["recordingHash"],
        outcome["wordsChecked"],
        outcome["heard"],
        np.frombuffer(ref, dtype=np.float32),
    )


async def run(
    ctx: Context,
    name: str,
    owner_id: int,
    voice_id: str | None,
    data: bytes,
    args: dict[str, Any],
    staged_as: str | None = None,
) -> dict[str, Any]:
    """Check ``data`` here or on a worker; raises the check's ``AudioError`` or ``Refusal``."""
    if ctx.checks_here:
        return await CHECKS[name](ctx, owner_id, voice_id, data, args)
    locale = args.get("locale")
    unavailable = Refusal("engine_unavailable", t(locale, "check.unavailable"))
    if await ctx.engine.queue.live_workers() == 0:
        raise unavailable
    files = ctx.storage.files
    staged = files.check_path(owner_id, staged_as or new_id("check"))
    await asyncio.to_thread(files.write, staged, data)
    payload = {"check": name, "voiceId": voice_id, "input": staged.stem, "args": args}
    try:
        job = await ctx.engine.submit(JobSpec("check", owner_id, payload, voice_id, max_tries=2))
        try:
            async with asyncio.timeout(WAIT_S):
                done = await ctx.engine.wait(owner_id, job.id)
        except TimeoutError:
            with contextlib.suppress(QueueError):
                await ctx.engine.cancel(owner_id, job.id)
            raise unavailable from None
    except QueueError as exc:
        raise Refusal.of(exc) from None
    finally:
        await asyncio.to_thread(files.delete, staged)
    outcome = dict(done.result or {})
    if done.status != "succeeded" or "refused" in outcome:
        raise _refusal(outcome.get("refused"), locale)
    return outcome


async def run_check(ctx: Context, job: JobContext) -> dict[str, Any]:
    """The worker's side: the named check on the staged note; a refusal is the result, not a
    failure (the job did its work)."""
    payload, owner_id = job.job.payload, job.job.owner_id
    files = ctx.storage.files
    data = await asyncio.to_thread(files.read, files.check_path(owner_id, payload["input"]))
    try:
        return await CHECKS[payload["check"]](ctx, owner_id, payload["voiceId"], data, payload["args"])
    except (AudioError, Refusal) as exc:
        said = {"code": exc.code, "message": exc.message, "key": exc.key, "values": exc.values}
        return {"refused": {"as": "audio" if isinstance(exc, AudioError) else "refusal", **said}}


def _refusal(refused: dict[str, Any] | None, locale: str | None) -> Exception:
    """The check's refusal as it was raised on the worker (its sentence already in ``locale``)."""
    if refused is None:  # the worker failed on it (its log says why)
        return Refusal("internal_error", t(locale, "error.internal"))
    if refused["as"] == "audio":
        error = AudioError(refused["message"], refused["key"], **refused["values"])
        error.code = refused["code"]
        return error
    return Refusal(refused["code"], refused["message"], refused["key"], **refused["values"])
