"""``/usage``: the owner's receipts — when and where each voice of theirs spoke, how much, and (if
they opted in with ``/settings excerpts on``) how the text began; then what today's quotas leave.
Only ever the asker's own voices: the receipts are read by owner."""

from __future__ import annotations

from typing import Any

from handlers import quotas
from handlers.chat import Reply, Sender
from handlers.consent import user_for
from handlers.context import Context
from handlers.messages import t
from handlers.notices import where_said

SHOWN = 15
EXCERPT_CHARS = 80


def excerpt(text: str, settings: dict) -> str | None:
    """What a receipt keeps of the text: nothing, unless the owner asked for excerpts."""
    if not settings.get("receiptExcerpts"):
        return None
    text = " ".join(text.split())
    return text if len(text) <= EXCERPT_CHARS else text[: EXCERPT_CHARS - 1] + "…"


async def usage(ctx: Context, sender: Sender) -> Reply:
    user = await user_for(ctx, sender)
    receipts = await ctx.storage.generations.recent(user.id, SHOWN)
    names = {v.id: v.name for v in await ctx.storage.voices.list(user.id)}
    locale = sender.locale
    lines = [t(locale, "usage.header", count=len(receipts)) if receipts else t(locale, "usage.none")]
    for receipt in receipts:
        lines.append(
            t(
                locale,
                "usage.line",
                at=receipt.created_at[:16].replace("T", " "),
                voice=names.get(receipt.voice_id or "", t(locale, "usage.deleted")),
                where=where_said(locale, receipt),
                seconds=f"{receipt.duration:.1f}",
                chars=receipt.text_chars,
            )
        )
        if receipt.excerpt:
            lines.append(t(locale, "usage.excerpt", text=receipt.excerpt))
    if receipts and not user.settings.get("receiptExcerpts"):
        lines.append(t(locale, "usage.excerpts_off"))
    lines += await quotas.summary(ctx, user.id, locale)
    return Reply("\n".join(lines))


async def listed(ctx: Context, owner_id: int, limit: int = 100) -> dict[str, Any]:
    """The receipts as data (``voicebot usage``), newest first."""
    out = []
    for r in await ctx.storage.generations.recent(owner_id, limit):
        item = {
            "generationId": r.id, "voiceId": r.voice_id, "createdAt": r.created_at, "platform": r.platform,
            "server": r.server, "chat": r.chat, "askedByOther": r.requested_by is not None,
            "duration": round(r.duration, 2), "textChars": r.text_chars, "format": r.format,
        }  # fmt: skip
        out.append(item | ({"excerpt": r.excerpt} if r.excerpt else {}))
    return {"receipts": out}
