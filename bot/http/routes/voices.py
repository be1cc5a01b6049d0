"""The contract's voice management: list, status, delete (``/v2/ai/voice-cloning``)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Response

from bot.http.app import Ctx, Owner
from handlers import voices

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
