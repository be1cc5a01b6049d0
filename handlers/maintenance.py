"""The chores that depend on time: every deletion path that is not a person's request. The worker's
scheduler runs each at its own pace (``CHORES``); durable state stays in our tables, so a missed run
costs nothing but a delay."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable
from datetime import timedelta
from typing import Any

from handlers import notices
from handlers.context import Context
from storage.ids import iso, now


async def expired_voices(ctx: Context) -> list[str]:
    """Voices past their retention (90 days unless renewed), with everything kept for them."""
    return [
        voice.id
        for voice in await ctx.storage.voices.expired(iso(now()))
        if await ctx.delete_voice(voice.owner_id, voice.id)
    ]


async def abandoned_trainings(ctx: Context) -> list[str]:
    """A voice sent in one request whose training ended without success (its worker died on the
    last try, or it was cancelled while the runner could not clean up) goes with everything kept."""
    abandoned = []
    settled = iso(now() - timedelta(hours=1))  # a voice is created a moment before its job
    for voice in await ctx.storage.voices.processing():
        job = await ctx.engine.queue.latest_for_voice(voice.owner_id, voice.id, "train")
        if (job is None and voice.created_at < settled) or (job and job.status in ("failed", "cancelled")):
            await ctx.delete_voice(voice.owner_id, voice.id)
            abandoned.append(voice.id)
    return abandoned


async def old_jobs(ctx: Context) -> int:
    """Finished jobs past ``job_retention_days``, with their files; and voice notes staged for a
    check a day ago or more (their host stopped before it could remove them)."""
    jobs = await ctx.engine.queue.purge_finished(time.time() - ctx.job_retention_days * 86400)
    files = ctx.storage.files
    for owner_id, job_id in jobs:
        await asyncio.to_thread(files.delete, files.job_dir(owner_id, job_id))
    await asyncio.to_thread(files.purge_checks, time.time() - 86400)
    return len(jobs)


async def old_audit(ctx: Context) -> int:
    return await ctx.storage.audit.purge_before(iso(now() - timedelta(days=ctx.audit_retention_days)))


async def old_outputs(ctx: Context) -> int:
    """Generated speech files past ``output_retention_days``: the audio goes, the receipt stays."""
    before = iso(now() - timedelta(days=ctx.output_retention_days))
    return await ctx.storage.generations.purge_outputs(before, ctx.storage.files)


async def old_server_usage(ctx: Context) -> int:
    """Servers' usage rows older than any daily quota looks at."""
    return await ctx.storage.servers.prune()


async def old_challenges(ctx: Context) -> int:
    """Consent challenges answered, withdrawn or expired."""
    return await ctx.storage.voice_consents.prune()


async def old_notices(ctx: Context) -> int:
    """Notices sent over a month ago."""
    return await ctx.storage.notices.prune(iso(now() - timedelta(days=30)))


Chore = Callable[[Context], Awaitable[Any]]
# name -> (chore, every so many seconds)
CHORES: dict[str, tuple[Chore, float]] = {
    "expiredVoices": (expired_voices, 3600),
    "abandonedVoices": (abandoned_trainings, 600),
    "jobs": (old_jobs, 3600),
    "auditEntries": (old_audit, 86400),
    "serverUsage": (old_server_usage, 3600),
    "outputs": (old_outputs, 3600),
    "challenges": (old_challenges, 3600),
    "expiryReminders": (notices.expiry_reminders, 3600),
    "notices": (old_notices, 86400),
}


async def housekeeping(ctx: Context) -> dict[str, Any]:
    """Every chore once, now (``voicebot chores``)."""
    return {name: await chore(ctx) for name, (chore, _) in CHORES.items()}
