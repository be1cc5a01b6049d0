"""Whether a file was made by this bot: its provenance marking (``engine.speech.provenance``), for an
exact copy whose metadata was stripped its fingerprint, and for a re-encoded one (a chat app's
conversion) the watermark (``engine.speech.watermark``), which says "generated" but not by whom. When
and with which voice only to the voice's owner; anyone else learns that it was generated here, and
when."""

from __future__ import annotations

import asyncio
import tempfile
from pathlib import Path
from typing import Any

from engine.audio.decode import check_size
from engine.errors import AudioError
from engine.speech import provenance
from handlers import checks
from handlers.chat import Reply, Sender
from handlers.collect import Incoming, check_declared
from handlers.consent import user_for
from handlers.context import Context
from handlers.errors import Refusal
from handlers.messages import describe, t


async def watermarked(ctx: Context, path: Path, asker_id: int | None) -> bool | None:
    """The watermark detector's answer (``checks.watermark``, here or on a worker); None when it
    cannot tell (no detector, too little audio, or no worker to ask)."""
    if asker_id is None and not ctx.checks_here:  # a worker's job needs an owner
        return None
    data = await asyncio.to_thread(path.read_bytes)
    try:
        return (await checks.run(ctx, "watermark", asker_id or 0, None, data, {}))["watermark"]
    except Refusal:  # no worker to ask: the other findings still stand
        return None


async def verify(ctx: Context, path: Path, asker_id: int | None) -> dict[str, Any]:
    size = await asyncio.to_thread(lambda: path.stat().st_size)
    check_size(size, ctx.ingestor.limits)  # refused before it is read
    marking = await asyncio.to_thread(provenance.read, path)
    fingerprint = await asyncio.to_thread(provenance.fingerprint_file, path)
    watermark = await watermarked(ctx, path, asker_id)
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


async def verify_in_chat(ctx: Context, sender: Sender, incoming: Incoming | None, max_bytes: int) -> Reply:
    """``/verify`` with a file attached: the answer in the person's words. The file is checked as
    declared, fetched into a temporary folder, judged and removed; nothing of it is kept."""
    if incoming is None:
        return Reply(t(sender.locale, "verify.how"))
    check_declared(sender, incoming, max_bytes, ctx.ingestor.limits.max_seconds)
    user = await user_for(ctx, sender)
    data = await incoming.read(sender.locale)
    with tempfile.TemporaryDirectory(prefix="voicebot-verify-") as folder:
        path = Path(folder) / "file"
        await asyncio.to_thread(path.write_bytes, data)
        try:
            found = await verify(ctx, path, user.id)
        except AudioError as exc:
            return Reply(t(sender.locale, "verify.unreadable", reason=describe(sender.locale, exc)))
    return Reply(said(sender.locale, found, await _voice_name(ctx, user.id, found)))


async def _voice_name(ctx: Context, owner_id: int, found: dict[str, Any]) -> str | None:
    voice = await ctx.storage.voices.get(owner_id, found["voiceId"]) if found.get("voiceId") else None
    return voice.name if voice else None


def said(locale: str | None, found: dict[str, Any], voice_name: str | None) -> str:
    """What ``verify`` found, in words: details of the voice only when they were given (the owner)."""
    if found["generatedHere"]:
        when = found["generatedAt"][:16].replace("T", " ")
        if "voiceId" in found:
            name = voice_name or t(locale, "usage.deleted")
            return t(locale, "verify.yours", at=when, name=name, generation=found["generationId"])
        return t(locale, "verify.here", at=when)
    if found["markedAiGenerated"] or found["watermark"]:
        how = [t(locale, "verify.by_metadata")] if found["markedAiGenerated"] else []
        how += [t(locale, "verify.by_watermark")] if found["watermark"] else []
        return t(locale, "verify.marked", how=", ".join(how))
    if found["watermark"] is None:
        return t(locale, "verify.unknown_short")
    return t(locale, "verify.none")
