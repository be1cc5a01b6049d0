"""Voices: create (consent, ingest, analyse, tier check, prepare), status, list, delete.

Creation is all or nothing: if any step fails, the voice and everything stored for it are removed.
"""

from __future__ import annotations

import asyncio
import hashlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from engine.analysis import SampleInput, analyze
from engine.backends.base import TrainingSample
from engine.errors import AudioError
from engine.ingest import CleaningOptions
from engine.language import LANGUAGES
from engine.tiers import VOICE_TYPES, require_tier
from handlers.context import Context
from handlers.errors import Refusal
from handlers.samples import SampleMeta, store_sample
from storage.records import Voice
from storage.voices import NameTakenError

CONSENT_VERSION = "2026-11"
CONSENT_STATEMENT = (
    "I am the person whose voice is in these recordings, or I have their explicit permission. "
    "I will not use the cloned voice to impersonate anyone or to deceive."
)
Progress = Callable[[str, float], None]


@dataclass(frozen=True, slots=True)
class Upload:
    name: str  # shown in messages only, never used as a path
    data: bytes
    meta: SampleMeta = field(default_factory=SampleMeta)


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


async def create_voice(
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
    progress: Progress = lambda step, percent: None,
) -> dict[str, Any]:
    """``cleaning`` and ``consistency_threshold`` are the request's trainingOptions (default: config)."""
    cleaning = cleaning or ctx.cleaning
    threshold = ctx.consistency_threshold if consistency_threshold is None else consistency_threshold
    if not consent_statement or not consent_statement.strip():
        raise Refusal(
            "consent_required",
            "Cloning a voice needs the speaker's consent. Accept the statement: " + CONSENT_STATEMENT,
        )
    name = " ".join(name.split())
    if not 1 <= len(name) <= 64:
        raise Refusal("invalid_request", "voiceName must be 1 to 64 characters")
    if language not in LANGUAGES:
        raise Refusal("invalid_request", f"language must be one of {', '.join(LANGUAGES)}")
    if voice_type not in VOICE_TYPES:
        raise Refusal("invalid_request", f"voiceType must be one of {', '.join(VOICE_TYPES)}")
    if not uploads:
        raise Refusal("invalid_request", "send at least one voice sample")
    if await ctx.storage.voices.by_name(owner_id, name) is not None:
        raise Refusal("name_taken", f"you already have a voice named {name!r}")

    progress("checking samples", 2.0)
    processed = []
    for i, upload in enumerate(uploads):
        try:
            processed.append(await asyncio.to_thread(ctx.ingestor.from_bytes, upload.data, cleaning))
        except AudioError as exc:
            raise Refusal(exc.code, f"{upload.name}: {exc.message}") from None
        progress("checking samples", 2.0 + 38.0 * (i + 1) / len(uploads))
    inputs = [
        SampleInput(u.name, p, u.meta.transcript, u.meta.language, u.meta.emotion)
        for u, p in zip(uploads, processed, strict=True)
    ]
    report = analyze(inputs, language, voice_type, threshold)
    try:
        require_tier(
            voice_type, report["audioAnalysis"]["totalDuration"], report["audioAnalysis"]["audioQuality"]
        )
    except AudioError as exc:
        raise Refusal(exc.code, exc.message) from None

    await ctx.storage.consents.accept(
        owner_id, CONSENT_VERSION, hashlib.sha256(consent_statement.strip().encode()).hexdigest(), "cli"
    )
    languages = sorted(
        {language, *(u.meta.language for u in uploads if u.meta.language)}, key=lambda x: (x != language, x)
    )
    try:
        voice = await ctx.storage.voices.create(
            owner_id, name, languages, voice_type, ctx.backend.name, ctx.retention_days
        )
    except NameTakenError as exc:
        raise Refusal("name_taken", str(exc)) from None
    try:
        await ctx.storage.voices.update(
            owner_id,
            voice.id,
            status="processing",
            current_step="preparing",
            progress=40.0,
            analysis=report["audioAnalysis"],
        )
        for upload, sample in zip(uploads, processed, strict=True):
            await store_sample(ctx.storage, owner_id, voice.id, sample, upload.meta)

        def step(label: str, percent: float) -> None:
            progress(label, 40.0 + 0.6 * percent)

        training = [
            TrainingSample(p.audio, p.rate, u.meta.language or language, u.meta.emotion, u.meta.transcript)
            for u, p in zip(uploads, processed, strict=True)
        ]
        files = await asyncio.to_thread(ctx.backend.prepare, training, voice_type, step, languages)
        folder = ctx.storage.files.voice_dir(owner_id, voice.id)
        for filename, data in files.items():
            ctx.storage.files.write(folder / filename, data)
        await ctx.storage.voices.update(
            owner_id, voice.id, status="completed", current_step="done", progress=100.0
        )
        await ctx.storage.audit.log(owner_id, "voice.created", voice.id, voiceType=voice_type)
    except BaseException:
        await ctx.storage.delete_voice(owner_id, voice.id)
        raise
    progress("done", 100.0)
    created = await ctx.storage.voices.get(owner_id, voice.id)
    assert created is not None
    return voice_json(created) | {"samples": report["samples"]}


async def voice_status(ctx: Context, owner_id: int, voice_id: str) -> dict[str, Any]:
    voice = await ctx.storage.voices.get(owner_id, voice_id)
    if voice is None:
        raise Refusal("not_found", "No such voice among yours.")
    return voice_json(voice)


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
    if not await ctx.storage.delete_voice(owner_id, voice_id):
        raise Refusal("not_found", "No such voice among yours.")
    ctx.forget_voice(voice_id)
    return {"voiceId": voice_id, "deleted": True}
