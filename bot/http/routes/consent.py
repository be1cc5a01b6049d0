"""The person's consent over HTTP: read the statement, accept it, revoke it (``/v2/consent``)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter
from pydantic import BaseModel, ConfigDict

from bot.http.app import Ctx, Owner
from handlers import consent, voice_consent

router = APIRouter(prefix="/v2/consent", tags=["consent"])


class Acceptance(BaseModel):
    model_config = ConfigDict(extra="forbid")
    version: str
    hash: str
    accepted: bool


@router.get("")
async def statement(ctx: Ctx, owner_id: Owner, language: str = "en") -> dict[str, Any]:
    return await consent.shown_to(ctx, owner_id, language)


@router.post("")
async def accept(body: Acceptance, ctx: Ctx, owner_id: Owner) -> dict[str, Any]:
    return await consent.accept_shown(ctx, owner_id, body.version, body.hash, body.accepted, "api")


@router.post("/challenge")
async def challenge(ctx: Ctx, owner_id: Owner, language: str = "en") -> dict[str, Any]:
    """Voice-verified consent: the sentence to record; send it back as the create's
    ``consentRecording`` (``challengeId``, ``audioBase64``)."""
    return await voice_consent.new_challenge(ctx, owner_id, language)


@router.delete("")
async def revoke(ctx: Ctx, owner_id: Owner) -> dict[str, Any]:
    return await consent.revoke_owner(ctx, owner_id)
