"""OpenAI's speech API for the tools that already speak it (Open WebUI, SillyTavern, Wyoming
bridges): ``POST /v1/audio/speech`` in one of the caller's own cloned voices, streamed as it is made
(the first bytes right after the first sentence), ``GET /v1/models`` and ``GET /v1/audio/voices``."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator
from typing import Any, Literal

import numpy as np
from fastapi import APIRouter, Request
from fastapi.responses import StreamingResponse
from pydantic import Field

from bot.contract import Body
from bot.http.app import Ctx, Owner, language
from engine.audio import stream
from engine.speech.render import EMOTIONS, SpeechOptions
from handlers import account, jobs, live, speech
from handlers.errors import Refusal

log = logging.getLogger("voicebot.http")
router = APIRouter(prefix="/v1", tags=["openai"])
MODELS = ("voicebot", "tts-1", "tts-1-hd", "gpt-4o-mini-tts")  # any of them: the voice decides
# what the speech job keeps (the receipt's file) for each streamed format
KEPT = {"mp3": "mp3", "opus": "ogg", "aac": "mp3", "flac": "flac", "wav": "wav", "pcm": "wav"}
_pending: set[asyncio.Task] = set()


class VoiceRef(Body):
    id: str = Field(max_length=64)


class OpenAISpeech(Body):
    model: str = Field(max_length=64)
    input: str = Field(min_length=1, max_length=5000)
    voice: str | VoiceRef
    response_format: Literal[stream.FORMATS] = "mp3"
    speed: float = Field(1.0, ge=0.5, le=2.0)
    instructions: str | None = Field(None, max_length=2000)  # only an emotion named in it is used
    stream_format: Literal["audio"] = "audio"


def _emotion(instructions: str | None) -> str:
    said = (instructions or "").casefold()
    return next((e for e in EMOTIONS if e in said), "neutral")


@router.get("/models")
async def models(_: Owner) -> dict[str, Any]:
    return {"object": "list", "data": [{"id": m, "object": "model", "owned_by": "voicebot"} for m in MODELS]}


@router.get("/audio/voices")
async def voices(ctx: Ctx, owner_id: Owner) -> dict[str, Any]:
    """The caller's own ready voices: ``id`` (or the name) is what ``voice`` takes."""
    own = await ctx.storage.voices.list(owner_id)
    return {
        "voices": [
            {"id": v.id, "name": v.name, "languages": v.languages} for v in own if v.status == "completed"
        ]
    }


@router.post("/audio/speech")
async def speak(body: OpenAISpeech, request: Request, ctx: Ctx, owner_id: Owner) -> StreamingResponse:
    if body.model not in MODELS:
        raise Refusal("not_found", f"model must be one of {', '.join(MODELS)}")
    locale = language(request)
    user = await ctx.storage.users.get(owner_id)
    assert user is not None  # a live key's owner exists
    given = body.voice.id if isinstance(body.voice, VoiceRef) else body.voice
    voice_id = await account.voice_named(ctx, user, given, locale)
    kept = KEPT[body.response_format]
    options = SpeechOptions(
        body.speed, 0.0, _emotion(body.instructions), kept, 48000 if kept == "ogg" else 44100
    )
    queued = await speech.submit_speech(
        ctx, owner_id, voice_id, body.input, options, live=True, where={"platform": "api"}, locale=locale
    )
    job_id = queued["jobId"]
    spoken = live.sentences(ctx, owner_id, job_id)
    try:  # a job that fails before it says anything answers with the error, not an empty stream
        first = await anext(spoken)
    except StopAsyncIteration:
        raise Refusal("internal_error", "The speech ended without audio.") from None

    async def sentences() -> AsyncIterator[tuple[np.ndarray, int]]:
        yield first
        async for chunk in spoken:
            yield chunk

    async def audio() -> AsyncIterator[bytes]:
        finished = False
        try:
            async for data in stream.encode(sentences(), body.response_format):
                yield data
            finished = True
        except Refusal as exc:  # the headers are gone: the stream just ends
            log.info("speech stream %s ended early: %s", job_id, exc.code)
        finally:
            if not finished:  # the client left or the job failed: stop what nobody hears
                task = asyncio.get_running_loop().create_task(_cancel(ctx, owner_id, job_id))
                _pending.add(task)
                task.add_done_callback(_pending.discard)

    return StreamingResponse(audio(), media_type=stream.MEDIA[body.response_format])


async def _cancel(ctx: Any, owner_id: int, job_id: str) -> None:
    try:
        await jobs.cancel_job(ctx, owner_id, job_id)
    except Refusal:  # already finished
        pass
