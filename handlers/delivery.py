"""Following chat jobs to their end and delivering the outcome, once, where the job says (its
``reply_to``): a progress message edited at most once per ``every_s``, then a text, a voice note, an
audio file, a document or a batch's zip. Platform-neutral: each adapter gives an ``Outlet``.

Delivery is marked only after the send went through, and ``resume`` picks up every job a chat has
not been given yet — so results that finished while the bot was down arrive when it is back.
"""

from __future__ import annotations

import asyncio
import logging
import time
from contextlib import AbstractAsyncContextManager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

from engine.jobs.queue import Event
from handlers.chat import Queued, Reply
from handlers.context import Context
from handlers.messages import eta, failure, step, t

log = logging.getLogger("voicebot.delivery")


class Undeliverable(Exception):
    """The chat cannot be reached (blocked, deleted): the outcome is dropped, not retried."""


@dataclass(frozen=True, slots=True)
class Target:
    """Where an outcome goes: the chat, the person (a platform may fall back to a private chat) and
    the job (a platform may answer through the request that queued it while that still works)."""

    chat: str
    job_id: str
    user: str | None = None
    locale: str | None = None


class Outlet(Protocol):
    """What a platform offers to deliver an outcome. ``Undeliverable`` for a chat that is gone."""

    platform: str

    async def send_text(self, to: Target, text: str) -> Any:
        """Send a message; returns what ``edit_text`` needs to edit it."""

    async def edit_text(self, to: Target, message: Any, text: str) -> None:
        """Best effort: a failed edit (unchanged text, message gone) is not an error."""

    async def send_audio(self, to: Target, path: Path, send_as: str, audio_format: str, seconds: int) -> None:
        """``send_as``: "voice" (a voice note), "audio" (a track) or "file" (a document)."""

    async def send_file(self, to: Target, path: Path, filename: str, caption: str) -> None: ...

    async def send_notice(self, to: Target, reply: Reply) -> None:
        """A message with its buttons to the person's private chat (``to.user``), unasked."""

    def working(self, to: Target, speech: bool) -> AbstractAsyncContextManager[Any]:
        """An indicator while the job runs ("recording a voice…"); a null context if none."""


class Deliveries:
    def __init__(self, outlet: Outlet, ctx: Context, every_s: float) -> None:
        self.outlet, self.ctx, self.every_s = outlet, ctx, every_s
        self._tasks: dict[str, asyncio.Task] = {}  # job id -> its follower (one per job)

    def follow(self, queued: Queued, progress_message: Any = None) -> None:
        """Follow a job in the background until its outcome is delivered; ``progress_message`` (from
        ``send_text``) is edited with the progress."""
        if queued.job_id in self._tasks:
            return
        task = asyncio.create_task(self._run(queued.owner_id, queued.job_id, progress_message))
        self._tasks[queued.job_id] = task
        task.add_done_callback(lambda _: self._tasks.pop(queued.job_id, None))

    async def announce(self, chat: str, queued: Queued) -> None:
        """Send the queued reply, then follow the job by editing that message."""
        assert queued.reply is not None
        message = await self.outlet.send_text(Target(chat, queued.job_id), queued.reply.text)
        self.follow(queued, message)

    async def resume(self) -> int:
        """Follow every job of this platform whose outcome has not been delivered (after a restart)."""
        pending = await self.ctx.engine.queue.awaiting_delivery(self.outlet.platform)
        for job in pending:
            self.follow(Queued(None, job.owner_id, job.id))
        return len(pending)

    async def close(self) -> None:
        for task in list(self._tasks.values()):
            task.cancel()
        await asyncio.gather(*self._tasks.values(), return_exceptions=True)

    async def _run(self, owner_id: int, job_id: str, message: Any) -> None:
        try:
            job = await self.ctx.engine.status(owner_id, job_id)
            target = job.reply_to or {}
            user = target.get("user")
            to = Target(str(target["chat"]), job_id, str(user) if user else None, target.get("locale"))
            speech = target.get("as") in ("voice", "audio")  # "recording a voice…" while it is made
            async with self.outlet.working(to, speech):
                outcome = await self._watch(owner_id, job_id, to, message)
            await self._deliver(outcome, target, to)
        except Undeliverable as exc:
            log.warning("job %s cannot be delivered: %s", job_id, exc)
        except asyncio.CancelledError:
            raise
        except Exception:  # the next start tries again
            log.exception("delivering job %s failed", job_id)
            return
        await self.ctx.engine.queue.mark_delivered(owner_id, job_id)

    async def _watch(self, owner_id: int, job_id: str, to: Target, message: Any) -> Event:
        last, shown, outcome, locale = 0.0, "", None, to.locale
        async for event in self.ctx.engine.watch(owner_id, job_id):
            outcome = event
            if message is None or event.type != "progress" or time.monotonic() - last < self.every_s:
                continue
            job = await self.ctx.engine.status(owner_id, job_id)  # for the ETA, only when an edit is due
            text = t(
                locale,
                "job.progress",
                step=step(locale, event.data["step"]),
                percent=round(event.data["percent"]),
                eta=eta(locale, job.eta_s),
            )
            if text != shown:
                last, shown = time.monotonic(), text
                await self.outlet.edit_text(to, message, text)
        assert outcome is not None and outcome.terminal
        return outcome

    async def _deliver(self, outcome: Event, target: dict[str, Any], to: Target) -> None:
        locale, send_as = target.get("locale"), target.get("as")
        result = outcome.data.get("result") or {}  # the terminal event carries the outcome
        if outcome.type == "cancelled":
            await self.outlet.send_text(to, t(locale, "job.cancelled"))
        elif outcome.type != "done":
            reason = failure(locale, outcome.data)
            await self.outlet.send_text(to, t(locale, "job.failed", reason=reason))
        elif send_as == "text":
            await self.outlet.send_text(to, t(locale, "train.done", name=result["voiceName"]))
        elif not await asyncio.to_thread(Path(result.get("zip") or result["path"]).exists):  # purged since
            await self.outlet.send_text(to, t(locale, "error.internal"))
        elif send_as == "zip":
            caption = t(locale, "batch.done", count=result["count"])
            await self.outlet.send_file(to, Path(result["zip"]), "speech.zip", caption)
        else:
            seconds = max(1, round(result["duration"]))
            kind = send_as if send_as in ("voice", "audio") else "file"
            await self.outlet.send_audio(to, Path(result["path"]), kind, result["format"], seconds)
