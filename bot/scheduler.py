"""The periodic chores (``handlers.maintenance.CHORES``) on APScheduler 3, as a runtime service."""

from __future__ import annotations

import asyncio
import logging
from datetime import UTC, datetime

from bot.runtime import Service
from handlers.context import Context
from handlers.maintenance import CHORES, Chore

log = logging.getLogger("voicebot.chores")


def _logged(name: str, chore: Chore, ctx: Context):
    async def run() -> None:
        try:
            log.info("%s: %s", name, await chore(ctx))
        except Exception:  # the next run tries again; the state it works from is in our tables
            log.exception("chore %s failed", name)

    return run


def chores(ctx: Context) -> Service:
    async def service(stop: asyncio.Event) -> None:
        from apscheduler.schedulers.asyncio import AsyncIOScheduler

        scheduler = AsyncIOScheduler(timezone=UTC)
        for name, (chore, every_s) in CHORES.items():
            scheduler.add_job(
                _logged(name, chore, ctx),
                "interval",
                seconds=every_s,
                id=name,
                next_run_time=datetime.now(UTC),  # once at start, then at its pace
                max_instances=1,
                coalesce=True,
            )
        scheduler.start()
        try:
            await stop.wait()
        finally:
            scheduler.shutdown(wait=False)

    return service
