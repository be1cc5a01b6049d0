"""In a chat: list one's voices and delete one (after a confirmation), see one's jobs and cancel one."""

from __future__ import annotations

from handlers.chat import Button, Reply, Sender
from handlers.consent import user_for
from handlers.context import Context
from handlers.errors import Refusal
from handlers.jobs import cancel_job
from handlers.messages import step, t

SHOWN_JOBS = 5  # the oldest few: each costs a position and an ETA to compute


async def voices(ctx: Context, sender: Sender) -> Reply:
    user = await user_for(ctx, sender)
    mine = await ctx.storage.voices.list(user.id)
    if not mine:
        return Reply(t(sender.locale, "voices.none"))
    lines = [
        t(
            sender.locale,
            "voices.line",
            name=v.name,
            status=t(sender.locale, f"voices.status.{v.status}"),
            kind=t(sender.locale, f"tier.{v.voice_type}"),
        )
        for v in mine
    ]
    buttons = tuple((Button(t(sender.locale, "voices.delete", name=v.name), f"delete:{v.id}"),) for v in mine)
    return Reply("\n".join([t(sender.locale, "voices.header"), *lines]), buttons)


async def delete(ctx: Context, sender: Sender, voice_id: str, confirmed: bool) -> Reply:
    user = await user_for(ctx, sender)
    voice = await ctx.storage.voices.get(user.id, voice_id)
    if voice is None:  # gone already, or somebody else's
        raise Refusal("not_found", t(sender.locale, "voices.not_found"))
    if not confirmed:
        yes = Button(t(sender.locale, "voices.delete_yes"), f"delete:{voice_id}:yes")
        keep = Button(t(sender.locale, "voices.keep"), "delete:keep")
        return Reply(t(sender.locale, "voices.confirm", name=voice.name), ((yes, keep),))
    await ctx.storage.delete_voice(user.id, voice_id)
    ctx.forget_voice(voice_id)
    return Reply(t(sender.locale, "voices.deleted", name=voice.name))


async def jobs(ctx: Context, sender: Sender) -> Reply:
    user = await user_for(ctx, sender)
    active = await ctx.engine.queue.active(user.id, limit=SHOWN_JOBS)
    if not active:
        return Reply(t(sender.locale, "jobs.none"))
    lines, buttons = [], []
    for job in active:
        progress = job.progress_json()
        lines.append(
            t(
                sender.locale,
                "jobs.line",
                kind=t(sender.locale, f"jobs.kind.{job.kind}"),
                step=step(sender.locale, progress["currentStep"]),
                percent=progress["percentComplete"],
                position=job.position if job.position is not None else 0,
                eta=progress["estimatedTimeRemaining"],
            )
        )
        buttons.append(
            (
                Button(
                    t(sender.locale, "jobs.cancel", kind=t(sender.locale, f"jobs.kind.{job.kind}")),
                    f"cancel:{job.id}",
                ),
            )
        )
    return Reply("\n".join(lines), tuple(buttons))


async def cancel(ctx: Context, sender: Sender, job_id: str) -> Reply:
    user = await user_for(ctx, sender)
    await cancel_job(ctx, user.id, job_id)  # owner-only; refuses others' jobs as not found
    return Reply(t(sender.locale, "job.cancel_asked"))
