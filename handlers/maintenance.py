"""Housekeeping, run by the worker every hour: every deletion path that depends on time."""

from __future__ import annotations

import time
from datetime import timedelta
from typing import Any

from handlers.context import Context
from storage.ids import iso, now


async def housekeeping(ctx: Context) -> dict[str, Any]:
    storage, queue = ctx.storage, ctx.engine.queue
    expired = await storage.purge_expired_voices()
    # A voice whose training ended without success (its worker died on the last try, or it was
    # cancelled while the runner could not clean up) is removed with everything kept for it.
    abandoned = []
    settled = iso(now() - timedelta(hours=1))  # a voice is created a moment before its job
    for voice in await storage.voices.processing():
        job = await queue.latest_for_voice(voice.owner_id, voice.id, "train")
        if (job is None and voice.created_at < settled) or (job and job.status in ("failed", "cancelled")):
            await ctx.delete_voice(voice.owner_id, voice.id)
            abandoned.append(voice.id)
    jobs = await queue.purge_finished(time.time() - ctx.job_retention_days * 86400)
    for owner_id, job_id in jobs:
        storage.files.delete(storage.files.job_dir(owner_id, job_id))
    audit = await storage.audit.purge_before(iso(now() - timedelta(days=ctx.audit_retention_days)))
    return {"expiredVoices": expired, "abandonedVoices": abandoned, "jobs": len(jobs), "auditEntries": audit}
