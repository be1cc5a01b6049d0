"""Jobs as their owner sees them (status, queue position, ETA, cancel) and the runners the worker uses."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import Any

from engine.jobs.queue import Event, JobState, QueueError
from engine.jobs.worker import Runner
from handlers.checks import run_check
from handlers.context import Context
from handlers.errors import Refusal
from handlers.messages import failure
from handlers.speech import run_batch, run_speak
from handlers.training import train


def runners(ctx: Context) -> dict[str, Runner]:
    return {
        "train": partial(train, ctx),
        "speak": partial(run_speak, ctx),
        "batch": partial(run_batch, ctx),
        "check": partial(run_check, ctx),
    }


def job_json(job: JobState) -> dict[str, Any]:
    out: dict[str, Any] = {
        "jobId": job.id,
        "kind": job.kind,
        "status": job.status,
        "voiceId": job.voice_id,
        "progress": job.progress_json(),
        "attempts": job.attempts,
        "createdAt": job.created_at,
    }
    if job.status == "failed":
        out["error"] = {"code": job.error_code, "message": job.error}
    if job.result is not None:
        out["result"] = job.result
    return out


async def job_status(ctx: Context, owner_id: int, job_id: str) -> dict[str, Any]:
    try:
        return job_json(await ctx.engine.status(owner_id, job_id))
    except QueueError as exc:
        raise Refusal.of(exc) from None


async def cancel_job(ctx: Context, owner_id: int, job_id: str) -> dict[str, Any]:
    """Only the owner's own jobs; a running one stops at its next step boundary."""
    try:
        job = await ctx.engine.cancel(owner_id, job_id)
    except QueueError as exc:
        raise Refusal.of(exc) from None
    if job.kind == "train" and job.status == "cancelled" and job.voice_id:
        await ctx.delete_voice(owner_id, job.voice_id)  # never started: nothing to keep
    await ctx.storage.audit.log(owner_id, "job.cancelled", job_id)
    return job_json(job)


async def wait_result(
    ctx: Context,
    owner_id: int,
    job_id: str,
    on_event: Callable[[Event], None] | None = None,
    locale: str | None = None,
) -> dict[str, Any]:
    """Wait for a job, serving the queue in-process when no worker runs (CLI, demo); its result, or
    its failure as a ``Refusal`` (in ``locale``'s words where the catalog has them). Marks the
    result delivered."""
    job = await ctx.engine.wait(owner_id, job_id, drive=True, on_event=on_event)
    if job.status == "failed" and locale:
        failed = [e.data for e in await ctx.engine.queue.events(job_id) if e.type == "failed"]
        said = failure(locale, failed[-1] if failed else {"code": job.error_code, "message": job.error})
        raise Refusal(job.error_code or "failed", said)
    if job.status != "succeeded":
        raise Refusal(job.error_code or job.status, job.error or f"The job was {job.status}.")
    await ctx.engine.queue.mark_delivered(owner_id, job_id)
    return dict(job.result or {}) | {"jobId": job_id}
