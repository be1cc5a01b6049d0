"""Following a job in a chat: one message edited with the progress (at most one edit per
``every_s``), then the outcome: a text, or the speech as a voice note."""

from __future__ import annotations

import asyncio
import logging
import time

from aiogram import Bot
from aiogram.exceptions import TelegramBadRequest
from aiogram.types import FSInputFile
from aiogram.utils.chat_action import ChatActionSender

from bot.telegram.send import retrying
from handlers.chat import Queued
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
    last, shown, outcome = 0.0, "", None
    async for event in ctx.engine.watch(owner_id, job_id):
        outcome = event
        if event.type != "progress" or time.monotonic() - last < every_s:
            continue
        job = await ctx.engine.status(owner_id, job_id)  # for the ETA, only when an edit is due
        text = t(
            locale,
            "job.progress",
            step=step(locale, event.data["step"]),
            percent=round(event.data["percent"]),
            eta=job.progress_json()["estimatedTimeRemaining"],
        )
        if text != shown:
            last, shown = time.monotonic(), text
            try:
                await retrying(bot.edit_message_text, text=text, chat_id=chat_id, message_id=message_id)
            except TelegramBadRequest:  # "message is not modified" and the like: nothing to do
                pass
    if outcome is None or not await ctx.engine.queue.mark_delivered(owner_id, job_id):
        return  # another process already delivered it
    result = outcome.data.get("result") or {}  # the terminal event carries the outcome
    if outcome.type == "done" and "voiceName" in result:
        await retrying(bot.send_message, chat_id, t(locale, "train.done", name=result["voiceName"]))
    elif outcome.type == "done":
        audio = FSInputFile(result["path"], filename="speech.ogg")
        await retrying(bot.send_voice, chat_id, audio, duration=max(1, round(result["duration"])))
    elif outcome.type == "cancelled":
        await retrying(bot.send_message, chat_id, t(locale, "job.cancelled"))
    else:
        await retrying(bot.send_message, chat_id, t(locale, "job.failed", reason=outcome.data.get("message")))


def spawn(
    tasks: set,
    queued: Queued,
    bot: Bot,
    ctx: Context,
    chat_id: int,
    message_id: int,
    locale: str | None,
    every_s: float,
) -> None:
    """Follow a queued job in the background; ``tasks`` keeps it referenced until it ends."""

    async def run() -> None:
        if message_id:  # a progress message to edit
            await follow(bot, ctx, queued.owner_id, queued.job_id, chat_id, message_id, locale, every_s)
            return
        async with ChatActionSender.record_voice(bot=bot, chat_id=chat_id):  # "recording a voice…"
            await follow(bot, ctx, queued.owner_id, queued.job_id, chat_id, 0, locale, float("inf"))

    task = asyncio.create_task(run())
    tasks.add(task)
    task.add_done_callback(tasks.discard)
