"""Whether a file was made by this bot: its provenance marking (``engine.speech.provenance``), for an
exact copy whose metadata was stripped its fingerprint, and for a re-encoded one (a chat app's
conversion) the watermark (``engine.speech.watermark``), which says "generated" but not by whom. When
and with which voice only to the voice's owner; anyone else learns that it was generated here, and
when."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

from engine.audio.decode import check_size, decode_file
from engine.errors import AudioError
from engine.speech import provenance
from handlers.context import Context

WATERMARK_RATE = 32000  # PerthNet's own rate: decoding straight to it saves a resampling


async def watermarked(ctx: Context, path: Path) -> bool | None:
    """The watermark detector's answer; None when there is no detector, the file holds no
    decodable audio or too little of it to tell."""
    if ctx.watermarker is None:
        return None
    try:
        decoded = await asyncio.to_thread(decode_file, path, WATERMARK_RATE, ctx.ingestor.limits)
    except AudioError:
        return None
    return await asyncio.to_thread(ctx.watermarker.detect, decoded.samples, decoded.rate)


async def verify(ctx: Context, path: Path, asker_id: int | None) -> dict[str, Any]:
    size = await asyncio.to_thread(lambda: path.stat().st_size)
    check_size(size, ctx.ingestor.limits)  # refused before it is read
    marking = await asyncio.to_thread(provenance.read, path)
    fingerprint = await asyncio.to_thread(provenance.fingerprint_file, path)
    watermark = await watermarked(ctx, path)
    receipt = await ctx.storage.generations.find(marking.get("voicebot_generation"), fingerprint)
    if receipt is None:
        # Marked by another installation, re-encoded past its metadata, or not generated at all.
        return {"generatedHere": False, "markedAiGenerated": bool(marking), "watermark": watermark}
    out: dict[str, Any] = {
        "generatedHere": True,
        "generatedAt": receipt.created_at,
        "matchedBy": "fingerprint" if receipt.fingerprint == fingerprint else "metadata",
        "watermark": watermark,
    }
    if asker_id is not None and asker_id == receipt.owner_id:
        out |= {"generationId": receipt.id, "voiceId": receipt.voice_id, "format": receipt.format}
    return out
