"""Per-user quotas set by the operator (``[quotas]``): trainings and minutes of generated speech per
day. Checked here, once, before a job is queued; 0 means no limit."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from handlers.context import Context
from handlers.errors import Refusal
from handlers.messages import t
from storage.ids import iso, now

DAY = timedelta(days=1)


@dataclass(frozen=True, slots=True)
class Quotas:
    trainings_per_day: int = 0
    speech_minutes_per_day: float = 0.0


@dataclass(frozen=True, slots=True)
class Usage:
    trainings: int  # in the last 24 hours
    speech_s: float


async def usage(ctx: Context, owner_id: int) -> Usage:
    since = iso(now() - DAY)
    trainings = await ctx.engine.queue.submitted_since(owner_id, "train", since)
    seconds = await ctx.storage.generations.seconds_since(owner_id, since)
    return Usage(trainings, seconds)


async def check(ctx: Context, owner_id: int, kind: str, locale: str | None = None) -> None:
    """Refuse a training or speech job that would go over the owner's daily quota."""
    quotas: Quotas = ctx.quotas or Quotas()
    if kind == "train" and quotas.trainings_per_day:
        if (await usage(ctx, owner_id)).trainings >= quotas.trainings_per_day:
            raise Refusal("quota_exceeded", t(locale, "quota.trainings", limit=quotas.trainings_per_day))
    elif kind in ("speak", "batch") and quotas.speech_minutes_per_day:
        if (await usage(ctx, owner_id)).speech_s >= quotas.speech_minutes_per_day * 60:
            limit = f"{quotas.speech_minutes_per_day:g}"
            raise Refusal("quota_exceeded", t(locale, "quota.speech", limit=limit))
