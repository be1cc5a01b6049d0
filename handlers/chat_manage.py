"""In a chat: list one's voices, renew or delete one (after a confirmation), list and remove the
samples of the voice being collected, see one's jobs and cancel one."""

from __future__ import annotations

from engine.audio.tiers import TIERS
from handlers.account import own_voice
from handlers.chat import Action, Button, Reply, Sender
from handlers.collect import bar, collecting
from handlers.consent import user_for
from handlers.context import Context
from handlers.errors import Refusal
from handlers.jobs import cancel_job
from handlers.messages import eta, step, t
from handlers.voices import renew_voice

SHOWN_JOBS = 5  # the oldest few: each costs a position and an ETA to compute
SHOWN_SAMPLES = 20  # buttons per message stay readable


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
            until=v.expires_at[:10],
        )
        for v in mine
    ]
    buttons = tuple(
        (
            Button(t(sender.locale, "voices.renew", name=v.name), Action.of("renew", v.id)),
            Button(t(sender.locale, "voices.delete", name=v.name), Action.of("delete", v.id)),
        )
        for v in mine
    )
    return Reply("\n".join([t(sender.locale, "voices.header"), *lines]), buttons)


async def status(ctx: Context, sender: Sender, voice_id: str | None) -> Reply:
    """Where one voice stands (by default the newest): collecting, training (step, %, ETA), ready
    or failed (and why)."""
    user = await user_for(ctx, sender)
    if voice_id:
        voice = await own_voice(ctx, user.id, voice_id)
    else:
        mine = await ctx.storage.voices.list(user.id)
        voice = mine[-1] if mine else None
    if voice is None:
        raise Refusal("not_found", t(sender.locale, "voices.not_found" if voice_id else "voices.none"))
    lines = [
        t(
            sender.locale,
            "voices.state",
            name=voice.name,
            status=t(sender.locale, f"voices.status.{voice.status}"),
        )
    ]
    if voice.status == "processing":
        job = await ctx.engine.queue.latest_for_voice(user.id, voice.id, "train")
        if job is not None:
            progress = job.progress_json()
            lines.append(
                t(
                    sender.locale,
                    "job.progress",
                    step=step(sender.locale, progress["currentStep"]),
                    percent=round(job.percent),
                    eta=eta(sender.locale, job.eta_s),
                )
            )
    elif voice.status == "collecting":
        kept = await ctx.storage.samples.list(user.id, voice.id)
        need = TIERS[voice.voice_type].min_seconds
        lines.append(bar(sum(s.speech_duration for s in kept), need))
    if voice.error:
        lines.append(voice.error)
    return Reply("\n".join(lines))


async def renew(ctx: Context, sender: Sender, voice_id: str) -> Reply:
    user = await user_for(ctx, sender)
    voice = await own_voice(ctx, user.id, voice_id)
    if voice is None:
        raise Refusal("not_found", t(sender.locale, "voices.not_found"))
    renewed = await renew_voice(ctx, user.id, voice.id)
    return Reply(
        t(sender.locale, "voices.renewed", name=renewed["voiceName"], until=renewed["expiresAt"][:10])
    )


async def delete(ctx: Context, sender: Sender, voice_id: str, confirmed: bool) -> Reply:
    user = await user_for(ctx, sender)
    voice = await own_voice(ctx, user.id, voice_id)
    if voice is None:  # gone already, or somebody else's
        raise Refusal("not_found", t(sender.locale, "voices.not_found"))
    if not confirmed:
        yes = Button(t(sender.locale, "voices.delete_yes"), Action.of("delete", voice.id, "yes"))
        keep = Button(t(sender.locale, "voices.keep"), Action.of("delete", "keep"))
        return Reply(t(sender.locale, "voices.confirm", name=voice.name), ((yes, keep),))
    await ctx.delete_voice(user.id, voice.id)
    return Reply(t(sender.locale, "voices.deleted", name=voice.name))


async def samples(ctx: Context, sender: Sender) -> Reply:
    """The samples kept for the voice being collected, each with a button to remove it."""
    user = await user_for(ctx, sender)
    voice = await collecting(ctx, user.id)
    if voice is None:
        raise Refusal("no_voice", t(sender.locale, "collect.no_voice"))
    kept = await ctx.storage.samples.list(user.id, voice.id)
    if not kept:
        return Reply(t(sender.locale, "samples.none", name=voice.name))
    lines = [
        t(
            sender.locale,
            "samples.header",
            name=voice.name,
            seconds=round(sum(s.speech_duration for s in kept)),
        )
    ]
    buttons = []
    for number, sample in enumerate(kept[:SHOWN_SAMPLES], 1):
        words = (sample.transcript or "")[:40] + ("…" if len(sample.transcript or "") > 40 else "")
        lines.append(
            t(
                sender.locale,
                "samples.line",
                number=number,
                seconds=f"{sample.speech_duration:.1f}",
                quality=t(sender.locale, f"quality.{sample.quality}"),
                words=words,
            )
        )
        buttons.append(
            Button(t(sender.locale, "samples.remove", number=number), Action.of("sample", sample.id))
        )
    rows = tuple(tuple(buttons[i : i + 4]) for i in range(0, len(buttons), 4))
    return Reply("\n".join(lines), rows)


async def remove_sample(ctx: Context, sender: Sender, sample_id: str) -> Reply:
    """Only while the voice is still collecting: a trained voice keeps what it was trained on."""
    user = await user_for(ctx, sender)
    voice = await collecting(ctx, user.id)
    sample = await ctx.storage.samples.get(user.id, sample_id)
    if voice is None or sample is None or sample.voice_id != voice.id:
        raise Refusal("not_found", t(sender.locale, "samples.not_found"))
    await ctx.storage.delete_sample(user.id, sample_id)
    await ctx.storage.audit.log(user.id, "sample.removed", sample_id, voice=voice.id)
    return Reply(t(sender.locale, "samples.removed"))


async def jobs(ctx: Context, sender: Sender) -> Reply:
    user = await user_for(ctx, sender)
    active = await ctx.engine.queue.active(user.id, limit=SHOWN_JOBS)
    if not active:
        return Reply(t(sender.locale, "jobs.none"))
    lines, buttons = [], []
    for job in active:
        kind = t(sender.locale, f"jobs.kind.{job.kind}")
        lines.append(
            t(
                sender.locale,
                "jobs.line",
                kind=kind,
                step=step(sender.locale, job.progress_json()["currentStep"]),
                percent=round(job.percent),
                position=job.position if job.position is not None else 0,
                eta=eta(sender.locale, job.eta_s),
            )
        )
        buttons.append((Button(t(sender.locale, "jobs.cancel", kind=kind), Action.of("cancel", job.id)),))
    return Reply("\n".join(lines), tuple(buttons))


async def cancel(ctx: Context, sender: Sender, job_id: str) -> Reply:
    user = await user_for(ctx, sender)
    await cancel_job(ctx, user.id, job_id)  # owner-only; refuses others' jobs as not found
    return Reply(t(sender.locale, "job.cancel_asked"))
