"""Plain text: said with the person's newest ready voice, sent back as a voice note (OGG/Opus)."""

from __future__ import annotations

import asyncio

from aiogram import Bot, F, Router
from aiogram.types import Message
from aiogram.utils.chat_action import ChatActionSender

from bot.telegram.follow import follow
from bot.telegram.replies import addressed, sender_of
from engine.render import SpeechOptions
from handlers import speech
from handlers.consent import require
from handlers.context import Context
from handlers.errors import Refusal
from handlers.messages import t


def router() -> Router:
    r = Router(name="speech")
    r.message.filter(addressed)  # groups: only commands addressed to the bot
    r.message.register(say, F.text & ~F.text.startswith("/"))
    return r


async def say(message: Message, bot: Bot, ctx: Context, tasks: set, edit_every_s: float) -> None:
    sender = sender_of(message)
    user = await require(ctx, sender)
    voice_id = await speech.default_voice(ctx, user.id)
    if voice_id is None:
        raise Refusal("no_voice", t(sender.locale, "speak.no_voice"))
    options = SpeechOptions(output_format="ogg", sample_rate=48000)  # a Telegram voice note: OGG/Opus
    queued = await speech.submit_speech(
        ctx,
        user.id,
        voice_id,
        message.text or "",
        options,
        idempotency_key=f"tg:{message.chat.id}:{message.message_id}",
    )

    async def deliver() -> None:
        async with ChatActionSender.record_voice(bot=bot, chat_id=message.chat.id):
            await follow(bot, ctx, user.id, queued["jobId"], message.chat.id, 0, sender.locale, float("inf"))

    task = asyncio.create_task(deliver())
    tasks.add(task)
    task.add_done_callback(tasks.discard)
