"""Following a job in a chat: one message edited with the progress (at most one edit per
``every_s``), then the outcome: a text, or the speech as a voice note."""

from __future__ import annotations

import logging
import time

from aiogram import Bot
from aiogram.exceptions import TelegramBadRequest
from aiogram.types import FSInputFile

from bot.telegram.send import retrying
from handlers.context import Context
from handlers.messages import step, t

log = logging.getLogger("voicebot.telegram")


async def follow(
    bot: Bot,
    ctx: Context,
    owner_id: int,
    job_id: str,
    chat_id: int,
    message_id: int,
    locale: str | None,
    every_s: float,
) -> None:
    last, shown = 0.0, ""
    async for event in ctx.engine.watch(owner_id, job_id):
        if event.type == "progress":
            job = await ctx.engine.status(owner_id, job_id)
            eta = job.progress_json()["estimatedTimeRemaining"]
            text = t(
                locale,
                "job.progress",
                step=step(locale, event.data["step"]),
                percent=round(event.data["percent"]),
                eta=eta,
            )
            now = time.monotonic()
            if text != shown and now - last >= every_s:
                last, shown = now, text
                try:
                    await retrying(bot.edit_message_text, text=text, chat_id=chat_id, message_id=message_id)
                except TelegramBadRequest:  # "message is not modified" and the like: nothing to do
                    pass
    job = await ctx.engine.status(owner_id, job_id)
    if not await ctx.engine.queue.mark_delivered(owner_id, job_id):
        return  # another process already delivered it
    if job.status == "succeeded" and job.kind == "train":
        await retrying(bot.send_message, chat_id, t(locale, "train.done", name=job.result["voiceName"]))
    elif job.status == "succeeded":
        audio = FSInputFile(job.result["path"], filename="speech.ogg")
        await retrying(bot.send_voice, chat_id, audio, duration=max(1, round(job.result["duration"])))
    elif job.status == "cancelled":
        await retrying(bot.send_message, chat_id, t(locale, "job.cancelled"))
    else:
        await retrying(bot.send_message, chat_id, t(locale, "job.failed", reason=job.error))
