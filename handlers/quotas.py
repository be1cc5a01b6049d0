"""Per-user quotas set by the operator (``[quotas]``): trainings and minutes of generated speech per
day, and a cooldown between two speech requests. Checked before a job is queued, and by a batch
before each of its texts (so a long batch cannot run past the day's minutes); 0 means no limit."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from handlers.context import Context
from handlers.errors import Refusal
from handlers.messages import t
from storage.ids import iso, now

DAY = timedelta(days=1)


@dataclass(frozen=True, slots=True)
class Quotas:
    trainings_per_day: int = 0
    speech_minutes_per_day: float = 0.0
    cooldown_s: float = 0.0  # between two speech requests of one person


@dataclass(frozen=True, slots=True)
class Usage:
    trainings: int  # in the last 24 hours
    speech_s: float


async def _trainings(ctx: Context, owner_id: int) -> int:
    return await ctx.engine.queue.submitted_since(owner_id, "train", iso(now() - DAY))


async def _speech_s(ctx: Context, owner_id: int) -> float:
    return await ctx.storage.generations.seconds_since(owner_id, iso(now() - DAY))


async def usage(ctx: Context, owner_id: int) -> Usage:
    return Usage(await _trainings(ctx, owner_id), await _speech_s(ctx, owner_id))


def left(ctx: Context, used: Usage) -> tuple[int | None, float | None]:
    """(trainings, minutes of speech) left today; None where there is no limit."""
    quotas: Quotas = ctx.quotas or Quotas()
    trainings = max(0, quotas.trainings_per_day - used.trainings) if quotas.trainings_per_day else None
    limit = quotas.speech_minutes_per_day
    minutes = max(0.0, limit - used.speech_s / 60) if limit else None
    return trainings, minutes


async def summary(ctx: Context, owner_id: int, locale: str | None) -> list[str]:
    """The last 24 hours in words, and what today's limits still allow (where there are limits)."""
    used = await usage(ctx, owner_id)
    lines = [t(locale, "settings.usage", trainings=used.trainings, minutes=f"{used.speech_s / 60:.1f}")]
    trainings, minutes = left(ctx, used)
    if trainings is not None:
        lines.append(t(locale, "settings.left_trainings", count=trainings))
    if minutes is not None:
        lines.append(t(locale, "settings.left_minutes", minutes=f"{minutes:.1f}"))
    return lines


async def check(ctx: Context, owner_id: int, kind: str, locale: str | None = None) -> None:
    """Refuse a training or speech job that would go over the owner's daily quota."""
    quotas: Quotas = ctx.quotas or Quotas()
    if kind == "train" and quotas.trainings_per_day:
        if await _trainings(ctx, owner_id) >= quotas.trainings_per_day:
            raise Refusal("quota_exceeded", t(locale, "quota.trainings", limit=quotas.trainings_per_day))
    elif kind in ("speak", "batch"):
        await speech_left(ctx, owner_id, locale)
        if quotas.cooldown_s:
            since = iso(now() - timedelta(seconds=quotas.cooldown_s))
            recent = sum(
                [await ctx.engine.queue.submitted_since(owner_id, k, since) for k in ("speak", "batch")]
            )
            if recent:
                raise Refusal("rate_limited", t(locale, "quota.cooldown", seconds=f"{quotas.cooldown_s:g}"))


async def speech_left(
    ctx: Context, owner_id: int, locale: str | None, where: dict[str, Any] | None = None
) -> None:
    """Refuse more speech once today's minutes are spent — the owner's, and the server's it is asked
    in (``where``) — (a batch asks before each text)."""
    quotas: Quotas = ctx.quotas or Quotas()
    if quotas.speech_minutes_per_day and await _speech_s(ctx, owner_id) >= quotas.speech_minutes_per_day * 60:
        limit = f"{quotas.speech_minutes_per_day:g}"
        raise Refusal("quota_exceeded", t(locale, "quota.speech", limit=limit))
    if where and where.get("server"):
        await server_speech_left(ctx, where["platform"], where["server"], locale)


async def server_speech_left(ctx: Context, platform: str, server_id: str, locale: str | None) -> None:
    """Refuse more speech in a server once its daily seconds (``speechSecondsPerDay``, set by its
    admins) are spent, whoever's voices spoke."""
    limit = (await ctx.storage.servers.settings(platform, server_id)).get("speechSecondsPerDay") or 0
    if (
        limit
        and await ctx.storage.generations.server_seconds_since(platform, server_id, iso(now() - DAY)) >= limit
    ):
        raise Refusal("quota_exceeded", t(locale, "server.quota_seconds", seconds=limit))
