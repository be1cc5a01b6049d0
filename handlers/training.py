"""The training job, run by the worker: preprocessing → analysing → training → finalising.

Safe to run again after a crash: samples are keyed by content hash, the prepared files are written
atomically, and the voice row only turns ``completed`` at the very end. Each upload is judged on its
own: an unusable one is left out with its reason (``leftOut``). A refusal (nothing usable, tier not
met), a cancel, or the last failed try removes a voice sent in one request and everything kept for
it; a voice collected in a chat goes back to collecting with its samples and the reason.
"""

from __future__ import annotations

import asyncio
import dataclasses
from collections.abc import Callable
from typing import Any

import numpy as np
import soundfile

from engine.audio.analysis import SampleInput, analyze
from engine.audio.decode import Probe
from engine.audio.ingest import CleaningOptions, ProcessedSample
from engine.audio.measure import Metrics
from engine.audio.tiers import require_tier
from engine.errors import AudioError
from engine.jobs.queue import JobContext
from engine.jobs.worker import JobCancelled
from engine.speech.backends.base import EngineUnavailable, TrainingSample
from engine.speech.backends.xtts_finetune import StopTraining
from handlers import voice_consent
from handlers.context import Context
from handlers.errors import Refusal
from handlers.messages import describe, t
from handlers.samples import SampleMeta, store_sample
from handlers.voices import left_out, nothing_usable, voice_json
from storage.files import StoreFullError
from storage.records import Voice

FINE_TUNED = ("premium", "professional")  # tiers whose voices are trained, not only conditioned


async def train(ctx: Context, job: JobContext) -> dict[str, Any]:
    payload, owner_id = job.job.payload, job.job.owner_id
    voice_id = payload["voiceId"]
    voice = await ctx.storage.voices.get(owner_id, voice_id)
    if voice is None:
        raise Refusal("not_found", "The voice was deleted before its training started.", "voice_gone")
    try:
        return await _train(ctx, job, voice, payload)
    except (Refusal, AudioError, JobCancelled, StoreFullError) as exc:  # failed for good: undone now
        await _undo(ctx, owner_id, voice_id, payload, getattr(exc, "message", None))
        raise
    except Exception:
        if job.job.final_attempt:
            await _undo(ctx, owner_id, voice_id, payload, t(payload.get("locale"), "error.internal"))
        raise


async def _undo(ctx: Context, owner_id: int, voice_id: str, payload: dict[str, Any], why: str | None) -> None:
    """A chat's voice keeps its samples (they were judged one by one and kept); one request's voice
    goes whole, as its request failed whole."""
    if payload.get("fromSamples"):
        await ctx.storage.voices.update(
            owner_id, voice_id, status="collecting", current_step=None, progress=0.0, error=why
        )
        await ctx.storage.audit.log(owner_id, "voice.training_failed", voice_id, reason=why)
    else:
        await ctx.delete_voice(owner_id, voice_id)


async def _train(ctx: Context, job: JobContext, voice: Voice, payload: dict[str, Any]) -> dict[str, Any]:
    storage, owner_id, voice_id = ctx.storage, voice.owner_id, voice.id

    async def step(name: str, percent: float) -> None:
        await job.step(name, percent)
        await storage.voices.update(owner_id, voice_id, current_step=name, progress=percent)

    language, voice_type = payload["language"], payload["voiceType"]
    locale = payload.get("locale")
    refused: list[dict[str, Any]] = list(payload.get("leftOut") or [])
    await step("preprocessing", 2.0)
    if payload.get("fromSamples"):  # collected in a chat: already cleaned and kept, one by one
        names, processed, metas = await _stored(ctx, owner_id, voice_id)
    else:
        uploads = payload["uploads"]
        cleaning = CleaningOptions(**payload["cleaning"])
        names, processed, metas = [], [], []
        for index, upload in enumerate(uploads):
            path = storage.files.upload_path(owner_id, voice_id, index)
            try:
                sample = await asyncio.to_thread(ctx.ingestor.from_file, path, cleaning)
                await voice_consent.check_sample(ctx, owner_id, voice, sample)  # the consent's speaker?
            except AudioError as exc:
                refused.append(left_out(upload["name"], exc, locale))
            else:
                processed.append(sample)
                names.append(upload["name"])
                metas.append(SampleMeta(upload["transcript"], upload["language"], upload["emotion"]))
            await step("preprocessing", 2.0 + 38.0 * (index + 1) / len(uploads))
        if not processed:
            raise nothing_usable(refused, locale)

    await step("analysing", 40.0)
    inputs = [
        SampleInput(n, p, m.transcript, m.language, m.emotion)
        for n, p, m in zip(names, processed, metas, strict=True)
    ]
    report = await asyncio.to_thread(analyze, inputs, language, voice_type, payload["threshold"], refused)
    analysis = report["audioAnalysis"]
    try:
        require_tier(voice_type, analysis["totalDuration"], analysis["audioQuality"])
    except AudioError as exc:
        raise Refusal(exc.code, describe(locale, exc), exc.key, details=refused, **exc.values) from None
    await storage.voices.update(owner_id, voice_id, analysis=analysis)
    for sample, meta in zip(processed, metas, strict=True):
        await store_sample(storage, owner_id, voice_id, sample, meta)

    await step("training", 45.0)
    backend, note = await _engine(ctx, owner_id, voice_id, payload.get("engine", ctx.backend.name))
    loop = asyncio.get_running_loop()
    pending: list[asyncio.Future] = []
    tuning = voice_type in FINE_TUNED and hasattr(backend, "finetune")

    def bridge(name: str, start: float, span: float) -> Callable[[str, float], None]:
        """Progress from a worker thread, reported on the loop."""

        def report(_label: str, percent: float) -> None:
            pending.append(asyncio.run_coroutine_threadsafe(step(name, start + span * percent / 100), loop))

        return report

    training = [
        TrainingSample(p.audio, p.rate, m.language or language, m.emotion, m.transcript)
        for p, m in zip(processed, metas, strict=True)
    ]
    prepare = bridge("training", 45.0, 25.0 if tuning else 50.0)
    files = await asyncio.to_thread(backend.prepare, training, voice_type, prepare, voice.languages)
    folder = storage.files.voice_dir(owner_id, voice_id)
    tuned = None
    if tuning:  # premium / professional on XTTS: the GPT learns this voice (resumes after a crash)
        training, heard = await _transcribe(ctx, training, step)
        note = " ".join(filter(None, [note, heard]))
        try:
            extra, tuned = await asyncio.to_thread(
                backend.finetune,
                training,
                names,
                voice_type,
                folder / "finetune",
                bridge("fine-tuning", 70.0, 25.0),
                job.should_stop,
            )
            files.update(extra)
        except StopTraining:
            await job.check()  # raises why: cancelled, lost, or the worker is stopping
            raise
        except EngineUnavailable as exc:
            note = " ".join(filter(None, [note, f"Not fine-tuned: {exc.message}."]))
    for future in pending:
        await asyncio.wrap_future(future)

    await step("finalising", 96.0)
    for filename, data in files.items():
        await asyncio.to_thread(storage.files.write, folder / filename, data)
    await asyncio.to_thread(storage.files.delete, folder / "uploads")
    await asyncio.to_thread(storage.files.delete, folder / "finetune")
    if not await storage.voices.update(
        owner_id, voice_id, status="completed", current_step="done", progress=100.0, error=None
    ):
        raise Refusal("not_found", "The voice was deleted while it was being trained.", "voice_gone")
    await storage.audit.log(owner_id, "voice.created", voice_id, voiceType=voice_type)
    ctx.forget_voice(voice_id)
    done = await storage.voices.get(owner_id, voice_id)
    assert done is not None
    result = voice_json(done) | {
        "samples": report["samples"],
        "leftOut": report["leftOut"],
        "engine": backend.name,
    }
    if tuned is not None:
        result["fineTuning"] = tuned
    return result | ({"engineNote": note} if note else {})


async def _stored(ctx: Context, owner_id: int, voice_id: str) -> tuple[list[str], list, list[SampleMeta]]:
    """The voice's kept samples as the pipeline's own type (cleaned audio, measurements, embedding)."""
    names, processed, metas = [], [], []
    for index, sample in enumerate(await ctx.storage.samples.list(owner_id, voice_id), 1):
        path = ctx.storage.files.sample_path(owner_id, sample.id)
        audio, rate = await asyncio.to_thread(soundfile.read, path, dtype="float32")
        fields = {k: v for k, v in sample.metrics.items() if k in Metrics.__dataclass_fields__}
        processed.append(
            ProcessedSample(
                audio,
                rate,
                sample.duration,
                Metrics(**fields),
                sample.quality,
                Probe("stored", "flac", rate, sample.duration),
                sample.content_hash,
                np.frombuffer(sample.embedding or b"", dtype=np.float32),
            )
        )
        names.append(f"note {index}")
        metas.append(SampleMeta(sample.transcript, sample.language, sample.emotion))
    if not processed:
        raise Refusal("invalid_request", "the voice has no samples yet", "no_samples")
    return names, processed, metas


async def _transcribe(
    ctx: Context, samples: list[TrainingSample], step: Callable
) -> tuple[list[TrainingSample], str | None]:
    """Transcripts for samples sent without one, when a speech recogniser is configured."""
    missing = [i for i, s in enumerate(samples) if not (s.transcript or "").strip()]
    if not missing:
        return samples, None
    if ctx.transcriber is None:
        return samples, None  # those samples are left out of fine-tuning, and the result says so
    await step("transcribing", 68.0)
    out = list(samples)
    try:
        for i in missing:
            s = samples[i]
            text = await asyncio.to_thread(ctx.transcriber.transcribe, s.audio, s.rate, s.language)
            out[i] = dataclasses.replace(s, transcript=text)
    except EngineUnavailable as exc:
        return samples, f"Samples without a transcript could not be transcribed: {exc.message}."
    return out, None


async def _engine(ctx: Context, owner_id: int, voice_id: str, requested: str) -> tuple[Any, str | None]:
    """The engine asked for, or the embedded one (with a note saying why) when it cannot run here."""
    try:
        backend = ctx.backend_for(requested)
        await asyncio.to_thread(backend.ready)
        return backend, None
    except EngineUnavailable as exc:
        note = (
            f"The {requested} engine is not available ({exc.message}); this voice uses the embedded engine."
        )
        await ctx.storage.voices.update(owner_id, voice_id, engine=ctx.backend.name)
        return ctx.backend, note
