"""A person's own data: what was done with it (their audit log), and forgetting them entirely."""

from __future__ import annotations

import json
from typing import Any

from handlers.context import Context


async def history(ctx: Context, owner_id: int) -> dict[str, Any]:
    """Every recorded action on the person's data, oldest first (consents, voices, samples …)."""
    entries = await ctx.storage.audit.for_user(owner_id)
    return {
        "entries": [
            {
                "action": e.action,
                "subject": e.subject,
                "at": e.created_at,
                "detail": json.loads(e.detail) if e.detail else {},
            }
            for e in entries
        ]
    }


async def forget(ctx: Context, owner_id: int) -> dict[str, Any]:
    """Everything the person owns: voices (with their jobs' files and loaded copies), samples,
    speech, jobs, settings, consents; audit rows stay without their name."""
    voices = await ctx.storage.voices.list(owner_id)
    for voice in voices:
        await ctx.delete_voice(owner_id, voice.id)
    await ctx.storage.delete_user(owner_id)
    return {"forgotten": True, "voices": len(voices)}
