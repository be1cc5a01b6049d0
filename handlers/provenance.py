"""Whether a file was made by this bot: its provenance marking (``engine.speech.provenance``), or
for an exact copy whose metadata was stripped, its fingerprint. When and with which voice only to
the voice's owner; anyone else learns that it was generated here, and when."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

from engine.audio.decode import check_size
from engine.speech import provenance
from handlers.context import Context


async def verify(ctx: Context, path: Path, asker_id: int | None) -> dict[str, Any]:
    size = await asyncio.to_thread(lambda: path.stat().st_size)
    check_size(size, ctx.ingestor.limits)  # refused before it is read
    marking = await asyncio.to_thread(provenance.read, path)
    fingerprint = await asyncio.to_thread(provenance.fingerprint_file, path)
    receipt = await ctx.storage.generations.find(marking.get("voicebot_generation"), fingerprint)
    if receipt is None:
        # Marked by another installation of this bot, or not generated here at all.
        return {"generatedHere": False, "markedAiGenerated": bool(marking)}
    out: dict[str, Any] = {
        "generatedHere": True,
        "generatedAt": receipt.created_at,
        "matchedBy": "fingerprint" if receipt.fingerprint == fingerprint else "metadata",
    }
    if asker_id is not None and asker_id == receipt.owner_id:
        out |= {"generationId": receipt.id, "voiceId": receipt.voice_id, "format": receipt.format}
    return out
