"""Many texts at once (``POST …/batch-speak`` → ``batchId``), the batch's status with a link per file
and one for the zip, and any job of the caller's: its status and cancel."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import FileResponse

from bot.contract import BatchSpeak
from bot.http.app import Ctx, LinkOwner, Owner, language, link
from engine.speech.render import SpeechOptions
from handlers import jobs, speech
from handlers.errors import Refusal

router = APIRouter(prefix="/v2/ai/voice-cloning", tags=["batch", "jobs"])


def _shown(request: Request, owner_id: int, job: dict[str, Any]) -> dict[str, Any]:
    """A job as the API shows it: no server paths, links to what it made."""
    out = {k: v for k, v in job.items() if k != "result"}
    result = job.get("result") or {}
    if job["kind"] == "batch":
        out["batchId"] = job["jobId"]
    if job["status"] == "succeeded" and job["kind"] == "batch":
        out["items"] = [
            {
                "filename": item["filename"],
                "audioUrl": link(request, owner_id, "audio", generation_id=item["generationId"]),
                "duration": item["duration"],
            }
            for item in result.get("items", [])
        ]
        out["zipUrl"] = link(request, owner_id, "batch_zip", batch_id=job["jobId"])
    elif job["status"] == "succeeded" and job["kind"] == "speak":
        out["audioUrl"] = link(request, owner_id, "audio", generation_id=result["generationId"])
    elif job["status"] == "succeeded" and job["kind"] == "train":
        out["voiceId"] = result.get("voiceId", job["voiceId"])
    return out


@router.post("/batch-speak")
async def batch_speak(body: BatchSpeak, request: Request, ctx: Ctx, owner_id: Owner) -> dict[str, Any]:
    options = SpeechOptions(body.speed, body.pitch, body.emotion, body.outputFormat, body.sampleRate)
    queued = await speech.submit_batch(
        ctx, owner_id, body.voiceId, [t.text for t in body.texts], options,
        filenames=[t.filename for t in body.texts], where={"platform": "api"},
        idempotency_key=request.headers.get("idempotency-key"),
        locale=language(request),
    )  # fmt: skip
    return {
        "batchId": queued["jobId"], "status": queued["status"], "voiceId": body.voiceId,
        "count": len([t for t in body.texts if t.text.strip()]), "progress": queued["progress"],
    }  # fmt: skip


@router.get("/batch/{batch_id}")
async def batch_status(batch_id: str, request: Request, ctx: Ctx, owner_id: Owner) -> dict[str, Any]:
    job = await jobs.job_status(ctx, owner_id, batch_id)
    if job["kind"] != "batch":
        raise Refusal("not_found", "No batch of yours with that id.")
    return _shown(request, owner_id, job)


@router.get("/batch/{batch_id}/zip", name="batch_zip")
async def batch_zip(batch_id: str, ctx: Ctx, owner_id: LinkOwner) -> FileResponse:
    job = await jobs.job_status(ctx, owner_id, batch_id)
    path = Path((job.get("result") or {}).get("zip") or "/nonexistent")
    if job["kind"] != "batch" or job["status"] != "succeeded" or not await asyncio.to_thread(path.exists):
        raise Refusal("not_found", "No finished batch of yours with that id (it may have expired).")
    return FileResponse(path, media_type="application/zip", filename="speech.zip")


@router.get("/jobs/{job_id}")
async def job_status(job_id: str, request: Request, ctx: Ctx, owner_id: Owner) -> dict[str, Any]:
    return _shown(request, owner_id, await jobs.job_status(ctx, owner_id, job_id))


@router.post("/jobs/{job_id}/cancel")
async def cancel(job_id: str, request: Request, ctx: Ctx, owner_id: Owner) -> dict[str, Any]:
    """A queued job stops now, a running one at its next step; a finished one is left as it is."""
    return _shown(request, owner_id, await jobs.cancel_job(ctx, owner_id, job_id))
