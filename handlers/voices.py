"""Voices: submit for training (consent, request checks, uploads kept, job queued), status, list, delete.

Each upload is judged on its own: the cheap checks (size, emptiness, container, audio stream,
declared length) run before a byte is copied or a model is loaded, and a file that fails them is left
out with its reason; the training judges the rest (speech found, long enough) the same way. A request
fails only when nothing usable is left or what is left cannot meet the tier; then the voice and
everything stored for it are removed, and the job keeps the reason.
"""

from __future__ import annotations

import asyncio
import dataclasses
import hashlib
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from engine.audio.analysis import SampleInput, analyze
from engine.audio.decode import Limits, check_size, probe_file
from engine.audio.ingest import CleaningOptions, Ingestor
from engine.audio.language import LANGUAGES
from engine.audio.tiers import VOICE_TYPES
from engine.errors import AudioError, CorruptAudioError
from engine.jobs.queue import JobSpec, QueueError
from engine.speech.backends import ENGINES
from handlers import checks, quotas, voice_consent
from handlers.context import Context
from handlers.errors import Refusal
from handlers.messages import CONSENT_VERSION, describe, t
from handlers.samples import SampleMeta
from storage.records import Voice
from storage.voices import NameTakenError


@dataclass(frozen=True, slots=True)
class Upload:
    name: str  # shown in messages only, never used as a path
    source: bytes | Path  # a file is streamed into the store, never read whole
    meta: SampleMeta = field(default_factory=SampleMeta)


def shown(name: str) -> str:
    """A name from a file or a person, safe to show: no bidi overrides, zero-width or control
    characters (Unicode categories Cf and Cc), which could make a listing lie about what it says."""
    return "".join(ch for ch in name if unicodedata.category(ch) not in ("Cf", "Cc"))


def voice_name(name: str) -> str | None:
    """The name as kept (shown safely, inner runs of space collapsed), or None when it is not 1 to 64
    characters."""
    name = " ".join(shown(name).split())
    return name if 1 <= len(name) <= 64 else None


def left_out(name: str, error: AudioError, locale: str | None) -> dict[str, Any]:
    """One unusable file, as the analysis and the create response list it."""
    return {"name": shown(name), "code": error.code, "message": describe(locale, error)}


def nothing_usable(refused: Sequence[dict[str, Any]], locale: str | None) -> Refusal:
    reasons = "; ".join(f"{item['name']}: {item['message']}" for item in refused)
    key = "nothing_usable_one" if len(refused) == 1 else "nothing_usable"  # "none of the 1 files"
    message = t(locale, f"audio.{key}", count=len(refused)) + (f" {reasons}" if reasons else "")
    return Refusal("nothing_usable", message, key, details=list(refused), count=len(refused))


def _read_recording(path: Path, limits: Limits) -> bytes:
    check_size(path.stat().st_size, limits)  # before it is read
    return path.read_bytes()


def analyze_files(
    ingestor: Ingestor,
    files: Sequence[Upload],
    language: str,
    voice_type: str | None,
    threshold: float,
    options: CleaningOptions,
    locale: str | None = None,
) -> dict[str, Any]:
    """The analysis of a set of files on disk, each judged on its own: the cheap checks on every file
    first (no model loads for a file they refuse), then ingestion of the rest. Unusable files are
    left out with their reason; ``nothing_usable`` when none is left. Blocking: call off the loop."""
    refused, passed = [], []
    for upload in files:
        try:
            probe_file(upload.source, ingestor.limits)
            passed.append(upload)
        except AudioError as exc:
            refused.append(left_out(upload.name, exc, locale))
    inputs = []
    for upload in passed:
        try:
            processed = ingestor.from_file(upload.source, options)
        except AudioError as exc:
            refused.append(left_out(upload.name, exc, locale))
            continue
        meta = upload.meta
        inputs.append(
            SampleInput(shown(upload.name), processed, meta.transcript, meta.language, meta.emotion)
        )
    if not inputs:
        raise nothing_usable(refused, locale)
    return analyze(inputs, language, voice_type, threshold, refused)


def _keep(store: Any, upload: Upload, dest: Path, limits: Any) -> float:
    """Cheap checks, then into the store: a file is probed where it lies and streamed in; bytes are
    written and probed there. Its declared duration (0 if none); raises ``AudioError`` and leaves
    nothing behind when it does."""
    if isinstance(upload.source, Path):
        probe = probe_file(upload.source, limits)  # its size first, then the header
        try:
            store.copy_in(upload.source, dest, limits.max_bytes)
        except ValueError:  # it grew past the cap since it was checked
            check_size(upload.source.stat().st_size, limits)
            raise CorruptAudioError("The file changed while it was read.") from None
        return probe.duration or 0.0
    check_size(len(upload.source), limits)  # before a byte is written
    store.write(dest, upload.source)
    try:
        return probe_file(dest, limits).duration or 0.0
    except BaseException:
        store.delete(dest)
        raise


def voice_json(voice: Voice) -> dict[str, Any]:
    """The contract's create/status response."""
    out: dict[str, Any] = {
        "voiceId": voice.id,
        "status": "processing" if voice.status == "collecting" else voice.status,
        "voiceName": voice.name,
        "language": voice.languages[0] if voice.languages else None,
        "languages": voice.languages,
        "voiceType": voice.voice_type,
        "trainingProgress": {
            "currentStep": voice.current_step or "waiting",
            "percentComplete": round(voice.progress, 1),
            "estimatedTimeRemaining": "none" if voice.status in ("completed", "failed") else "under a minute",
        },
        "audioAnalysis": voice.analysis,
        "createdAt": voice.created_at,
        "expiresAt": voice.expires_at,
    }
    if voice.error:
        out["error"] = voice.error
    return out


async def submit_voice(
    ctx: Context,
    owner_id: int,
    *,
    name: str,
    language: str,
    voice_type: str,
    uploads: Sequence[Upload],
    consent_statement: str | None,
    cleaning: CleaningOptions | None = None,
    consistency_threshold: float | None = None,
    idempotency_key: str | None = None,
    engine: str | None = None,
    locale: str | None = None,
    challenge_id: str | None = None,
    consent_recording: Path | None = None,
) -> dict[str, Any]:
    """Check the request, keep the usable uploads and queue the training; the worker does the rest
    (handlers/training.py). ``cleaning`` and ``consistency_threshold`` are the request's
    trainingOptions (default: config). A retried request (same key) returns the same voice.
    ``leftOut`` in the answer lists the files refused here, each with its reason. Under
    voice-verified consent, ``consent_recording`` is the speaker reading ``challenge_id``'s code
    (``handlers.voice_consent``); each upload is then checked against it."""
    cleaning = cleaning or ctx.cleaning
    threshold = ctx.consistency_threshold if consistency_threshold is None else consistency_threshold
    statement_given = bool(consent_statement and consent_statement.strip())
    # Without a statement in the request, the person's own recorded consent (the HTTP API's
    # POST /v2/consent, a chat's button) is what counts.
    if not statement_given and (
        consent_statement is not None or not await ctx.storage.consents.active(owner_id)
    ):
        raise Refusal(
            "consent_required",
            t(locale, "consent.needed", statement=t(locale, "consent.statement")),
        )
    name = voice_name(name)
    if not name:
        raise Refusal("invalid_request", "voiceName must be 1 to 64 characters")
    if language not in LANGUAGES:
        raise Refusal("invalid_request", f"language must be one of {', '.join(LANGUAGES)}")
    if voice_type not in VOICE_TYPES:
        raise Refusal("invalid_request", f"voiceType must be one of {', '.join(VOICE_TYPES)}")
    if not uploads:
        raise Refusal("invalid_request", "send at least one voice sample")
    engine = engine or ctx.default_engine
    if engine not in ENGINES:
        raise Refusal("invalid_request", f"engine must be one of {', '.join(ENGINES)}")
    if idempotency_key is not None and (done := await _retried(ctx, owner_id, idempotency_key)):
        return done
    if await ctx.storage.voices.by_name(owner_id, name) is not None:
        raise Refusal("name_taken", f"you already have a voice named {name!r}")
    await quotas.check(ctx, owner_id, "train", locale)
    reading = None
    if voice_consent.required(ctx):
        if not challenge_id or consent_recording is None:
            raise Refusal("consent_required", t(locale, "vconsent.needed_api"))
        recording = await asyncio.to_thread(_read_recording, consent_recording, ctx.ingestor.limits)
        reading = await checks.consent_reading(ctx, owner_id, challenge_id, recording, locale)

    if statement_given:
        statement_hash = hashlib.sha256(consent_statement.strip().encode()).hexdigest()
        await ctx.storage.consents.accept(owner_id, CONSENT_VERSION, statement_hash, "cli")
    languages = sorted(
        {language, *(u.meta.language for u in uploads if u.meta.language)}, key=lambda x: (x != language, x)
    )
    try:
        voice = await ctx.storage.voices.create(
            owner_id, name, languages, voice_type, engine, ctx.retention_days
        )
    except NameTakenError as exc:
        raise Refusal("name_taken", str(exc)) from None
    refused: list[dict[str, Any]] = []
    kept: list[Upload] = []
    seconds = 0.0
    try:
        if reading is not None:
            await voice_consent.keep(ctx, owner_id, voice.id, reading, locale)
        for upload in uploads:
            path = ctx.storage.files.upload_path(owner_id, voice.id, len(kept))
            try:
                seconds += await asyncio.to_thread(
                    _keep, ctx.storage.files, upload, path, ctx.ingestor.limits
                )
            except AudioError as exc:
                refused.append(left_out(upload.name, exc, locale))
                continue
            kept.append(upload)
        if not kept:
            raise nothing_usable(refused, locale)
        await ctx.storage.voices.update(owner_id, voice.id, status="processing", current_step="queued")
        job = await ctx.engine.submit(
            JobSpec(
                "train",
                owner_id,
                {
                    "voiceId": voice.id,
                    "engine": engine,
                    "language": language,
                    "voiceType": voice_type,
                    "uploads": [
                        {
                            "name": shown(u.name),
                            "transcript": u.meta.transcript,
                            "language": u.meta.language,
                            "emotion": u.meta.emotion,
                        }
                        for u in kept
                    ],
                    "leftOut": refused,
                    "locale": locale,
                    "cleaning": dataclasses.asdict(cleaning),
                    "threshold": threshold,
                },
                voice_id=voice.id,
                idempotency_key=idempotency_key,
                max_tries=ctx.max_tries,
            )
        )
    except BaseException as exc:
        await ctx.delete_voice(owner_id, voice.id)
        if isinstance(exc, QueueError):
            raise Refusal.of(exc) from None
        raise
    await ctx.storage.audit.log(owner_id, "voice.submitted", voice.id, voiceType=voice_type, job=job.id)
    return voice_json(voice) | {
        "status": "processing",
        # what the files declare, until the training has analysed them (then the voice's status)
        "audioAnalysis": {
            "totalDuration": round(seconds, 2),
            "audioQuality": "pending",
            "speakerConsistency": None,
            "languageDetected": language,
        },
        "jobId": job.id,
        "trainingProgress": job.progress_json(),
        "leftOut": refused,
    }


async def _retried(ctx: Context, owner_id: int, key: str) -> dict[str, Any] | None:
    """The answer already given to this request, if it was submitted before."""
    job = await ctx.engine.queue.find(owner_id, key)
    if job is None:
        return None
    voice = await ctx.storage.voices.get(owner_id, job.voice_id) if job.voice_id else None
    answer = voice_json(voice) if voice else {"voiceId": None, "status": "failed", "error": job.error}
    return answer | {"jobId": job.id, "trainingProgress": job.progress_json()}


async def voice_status(ctx: Context, owner_id: int, voice_id: str) -> dict[str, Any]:
    voice = await ctx.storage.voices.get(owner_id, voice_id)
    if voice is None:
        raise Refusal("not_found", "No such voice among yours.")
    out = voice_json(voice)
    if voice.status == "processing":  # the training job knows its queue position and a measured ETA
        job = await ctx.engine.queue.latest_for_voice(owner_id, voice_id, "train")
        if job is not None:
            out |= {"jobId": job.id, "trainingProgress": job.progress_json()}
    return out


async def list_voices(ctx: Context, owner_id: int) -> dict[str, Any]:
    voices = await ctx.storage.voices.list(owner_id)
    return {
        "voices": [
            {
                "voiceName": v.name,
                "voiceId": v.id,
                "status": v.status,
                "language": v.languages[0] if v.languages else None,
                "audioQuality": (v.analysis or {}).get("audioQuality"),
                "expiresAt": v.expires_at,
            }
            for v in voices
        ]
    }


async def delete_voice(ctx: Context, owner_id: int, voice_id: str) -> dict[str, Any]:
    if not await ctx.delete_voice(owner_id, voice_id):
        raise Refusal("not_found", "No such voice among yours.")
    return {"voiceId": voice_id, "deleted": True}


async def renew_voice(ctx: Context, owner_id: int, voice_id: str) -> dict[str, Any]:
    """Keep a voice for another retention period from today (the contract's 90 days unless renewed)."""
    if not await ctx.storage.voices.renew(owner_id, voice_id, ctx.retention_days):
        raise Refusal("not_found", "no voice with that id among yours")
    voice = await ctx.storage.voices.get(owner_id, voice_id)
    assert voice is not None
    await ctx.storage.audit.log(owner_id, "voice.renewed", voice_id, until=voice.expires_at)
    return {"voiceId": voice_id, "voiceName": voice.name, "expiresAt": voice.expires_at}
