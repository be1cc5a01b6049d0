"""The contract's voices (``/v2/ai/voice-cloning``): create, status, speak (the audio then served
to its owner only), list, delete."""

from __future__ import annotations

import asyncio
import base64
import dataclasses
import tempfile
from pathlib import Path
from typing import Any

from fastapi import APIRouter, Request, Response
from fastapi.responses import FileResponse

from bot.contract import CreateVoice, Speak, TrainingOptions
from bot.http.app import Ctx, LinkOwner, Owner, language, link
from bot.http.fetch import fetch
from engine.speech.render import SpeechOptions
from handlers import jobs, speech, voices
from handlers.errors import Refusal
from handlers.samples import SampleMeta

MEDIA = {"mp3": "audio/mpeg", "wav": "audio/wav", "flac": "audio/flac", "ogg": "audio/ogg"}
router = APIRouter(prefix="/v2/ai/voice-cloning", tags=["voices"])


@router.get("/voices")
async def list_voices(ctx: Ctx, owner_id: Owner) -> dict[str, Any]:
    return await voices.list_voices(ctx, owner_id)


@router.get("/{voice_id}/status")
async def status(voice_id: str, ctx: Ctx, owner_id: Owner) -> dict[str, Any]:
    return await voices.voice_status(ctx, owner_id, voice_id)


@router.delete("/{voice_id}", status_code=204)
async def delete(voice_id: str, ctx: Ctx, owner_id: Owner) -> Response:
    await voices.delete_voice(ctx, owner_id, voice_id)
    return Response(status_code=204)


@router.post("")
async def create(body: CreateVoice, request: Request, ctx: Ctx, owner_id: Owner) -> dict[str, Any]:
    """The contract's create: samples as base64 or, where the operator allows it, ``audioUrl``
    (``bot.http.fetch``); the person's own recorded consent (``/v2/consent``) and, under
    voice-verified consent, the challenge read."""
    config = request.app.state.config
    uploads, total = [], 0
    for n, s in enumerate(body.audioSamples, 1):
        if s.audioBase64 is None and s.audioUrl is None:
            raise Refusal("invalid_request", f"audioSamples.{n - 1}: give audioBase64 or audioUrl")
        if s.audioBase64 is not None:  # tens of MiB: off the loop ("" is an empty file, not a URL)
            data = await asyncio.to_thread(base64.b64decode, s.audioBase64)
        else:
            data = await fetch(s.audioUrl or "", config)
        uploads.append(voices.Upload(f"sample {n}", data, SampleMeta(s.transcript, s.language, s.emotion)))
        total += len(data)
        if total > config.max_body_mb * 2**20:  # fetched samples count too
            raise Refusal("file_too_large", f"The samples are over {config.max_body_mb:g} MiB together.")
    options = body.trainingOptions or TrainingOptions()
    asked = {
        "enhance_quality": options.enhanceQuality,
        "remove_noise": options.removeNoise,
        "normalize_volume": options.normalizeVolume,
    }
    cleaning = dataclasses.replace(ctx.cleaning, **{k: v for k, v in asked.items() if v is not None})
    locale = language(request)
    with tempfile.TemporaryDirectory(prefix="voicebot-http-") as folder:
        reading = None
        if body.consentRecording is not None:
            reading = Path(folder) / "reading"
            await asyncio.to_thread(reading.write_bytes, base64.b64decode(body.consentRecording.audioBase64))
        return await voices.submit_voice(
            ctx, owner_id, name=body.voiceName, language=body.language, voice_type=body.voiceType,
            uploads=uploads, consent_statement=None, cleaning=cleaning,
            consistency_threshold=options.speakerConsistency,
            idempotency_key=request.headers.get("idempotency-key"), locale=locale,
            challenge_id=body.consentRecording.challengeId if body.consentRecording else None,
            consent_recording=reading,
        )  # fmt: skip


@router.post("/{voice_id}/speak")
async def speak(voice_id: str, body: Speak, request: Request, ctx: Ctx, owner_id: Owner) -> dict[str, Any]:
    options = SpeechOptions(body.speed, body.pitch, body.emotion, body.outputFormat, body.sampleRate)
    queued = await speech.submit_speech(
        ctx, owner_id, voice_id, body.text, options, where={"platform": "api"},
        locale=language(request),
    )  # fmt: skip
    done = await jobs.wait_result(ctx, owner_id, queued["jobId"])
    url = link(request, owner_id, "audio", generation_id=done["generationId"])
    return {
        "audioUrl": url, "duration": done["duration"], "text": body.text, "voiceId": voice_id,
        "format": done["format"], "sampleRate": done["sampleRate"], "generatedAt": done["generatedAt"],
    }  # fmt: skip


@router.get("/audio/{generation_id}", name="audio")
async def audio(generation_id: str, ctx: Ctx, owner_id: LinkOwner) -> FileResponse:
    """A generated file, to its owner only (their key, or the signed link they were given), while it
    is kept (``output_retention_days``)."""
    receipt = await ctx.storage.generations.get(owner_id, generation_id)
    path = ctx.storage.files.output_path(owner_id, generation_id, receipt.format) if receipt else None
    if path is None or receipt.output_purged_at or not await asyncio.to_thread(path.exists):
        raise Refusal("not_found", "No such audio of yours (it may have expired).")
    return FileResponse(path, media_type=MEDIA[receipt.format], filename=f"speech.{receipt.format}")
