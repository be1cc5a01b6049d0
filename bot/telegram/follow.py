"""Following chat jobs to their end and delivering the outcome, once, where the job says (its
``reply_to``): a progress message edited at most once per ``every_s``, then a text, a voice note, an
MP3, a document or a batch's zip.

Delivery is marked only after the send went through, and ``resume`` picks up every job a chat has
not been given yet — so results that finished while the bot was down arrive when it is back.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from pathlib import Path
from typing import Any

from aiogram import Bot
from aiogram.exceptions import TelegramBadRequest, TelegramForbiddenError
from aiogram.types import BufferedInputFile, FSInputFile, Message
from aiogram.utils.chat_action import ChatActionSender

from engine.jobs.queue import Event
from handlers.chat import Queued
from handlers.context import Context
from handlers.messages import eta, failure, step, t

log = logging.getLogger("voicebot.telegram")


class Deliveries:
    def __init__(self, bot: Bot, ctx: Context, every_s: float) -> None:
        self.bot, self.ctx, self.every_s = bot, ctx, every_s
        self._tasks: dict[str, asyncio.Task] = {}  # job id -> its follower (one per job)

    def follow(self, queued: Queued, progress_message_id: int = 0) -> None:
        """Follow a job in the background until its outcome is delivered."""
        if queued.job_id in self._tasks:
            return
        task = asyncio.create_task(self._run(queued.owner_id, queued.job_id, progress_message_id))
        self._tasks[queued.job_id] = task
        task.add_done_callback(lambda _: self._tasks.pop(queued.job_id, None))

    async def announce(self, message: Message, queued: Queued) -> None:
        """Answer with the queued reply, then follow the job by editing that message."""
        assert queued.reply is not None
        shown = await message.answer(queued.reply.text)
        self.follow(queued, shown.message_id)

    async def resume(self) -> int:
        """Follow every Telegram job whose outcome has not been delivered (after a restart)."""
        pending = await self.ctx.engine.queue.awaiting_delivery("telegram")
        for job in pending:
            self.follow(Queued(None, job.owner_id, job.id))
        return len(pending)

    async def close(self) -> None:
        for task in list(self._tasks.values()):
            task.cancel()
        await asyncio.gather(*self._tasks.values(), return_exceptions=True)

    async def _run(self, owner_id: int, job_id: str, message_id: int) -> None:
        try:
            job = await self.ctx.engine.status(owner_id, job_id)
            target = job.reply_to or {}
            chat_id = int(target["chat"])
            speech = target.get("as") in ("voice", "audio")  # "recording a voice…" while it is made
            action = ChatActionSender.record_voice(bot=self.bot, chat_id=chat_id) if speech else None
            async with action or contextlib.nullcontext():
                outcome = await self._watch(owner_id, job_id, chat_id, message_id, target.get("locale"))
            await self._deliver(outcome, target, chat_id)
        except (TelegramForbiddenError, TelegramBadRequest) as exc:  # blocked, chat gone: undeliverable
            log.warning("job %s cannot be delivered: %s", job_id, exc)
        except asyncio.CancelledError:
            raise
        except Exception:  # the next start tries again
            log.exception("delivering job %s failed", job_id)
            return
        await self.ctx.engine.queue.mark_delivered(owner_id, job_id)

    async def _watch(
        self, owner_id: int, job_id: str, chat_id: int, message_id: int, locale: str | None
    ) -> Event:
        last, shown, outcome = 0.0, "", None
        async for event in self.ctx.engine.watch(owner_id, job_id):
            outcome = event
            if not message_id or event.type != "progress" or time.monotonic() - last < self.every_s:
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
                with contextlib.suppress(TelegramBadRequest):  # "message is not modified" and the like
                    await self.bot.edit_message_text(text=text, chat_id=chat_id, message_id=message_id)
        assert outcome is not None and outcome.terminal
        return outcome

    async def _deliver(self, outcome: Event, target: dict[str, Any], chat_id: int) -> None:
        locale, send_as = target.get("locale"), target.get("as")
        result = outcome.data.get("result") or {}  # the terminal event carries the outcome
        if outcome.type == "cancelled":
            await self.bot.send_message(chat_id, t(locale, "job.cancelled"))
        elif outcome.type != "done":
            reason = failure(locale, outcome.data)
            await self.bot.send_message(chat_id, t(locale, "job.failed", reason=reason))
        elif send_as == "text":
            await self.bot.send_message(chat_id, t(locale, "train.done", name=result["voiceName"]))
        elif not await asyncio.to_thread(Path(result.get("zip") or result["path"]).exists):  # purged since
            await self.bot.send_message(chat_id, t(locale, "error.internal"))
        elif send_as == "zip":
            archive = FSInputFile(result["zip"], filename="speech.zip")
            await self.bot.send_document(
                chat_id, archive, caption=t(locale, "batch.done", count=result["count"])
            )
        else:  # speech files are small: read at once (FSInputFile would read chunk by chunk in threads)
            data = await asyncio.to_thread(Path(result["path"]).read_bytes)
            audio = BufferedInputFile(data, filename=f"speech.{result['format']}")
            seconds = max(1, round(result["duration"]))
            if send_as == "voice":
                await self.bot.send_voice(chat_id, audio, duration=seconds)
            elif send_as == "audio":
                await self.bot.send_audio(chat_id, audio, duration=seconds)
            else:
                await self.bot.send_document(chat_id, audio)
