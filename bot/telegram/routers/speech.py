"""Plain text: said with the person's newest ready voice, sent back as a voice note (OGG/Opus)."""

from __future__ import annotations

from aiogram import Bot, F, Router
from aiogram.types import Message

from bot.telegram.follow import spawn
from bot.telegram.replies import addressed, sender_of
from handlers import speech
from handlers.context import Context


def router() -> Router:
    r = Router(name="speech")
    r.message.filter(addressed)  # groups: only commands addressed to the bot
    r.message.register(say, F.text & ~F.text.startswith("/"))
    return r


async def say(message: Message, bot: Bot, ctx: Context, tasks: set, edit_every_s: float) -> None:
    sender = sender_of(message)
    key = f"tg:{message.chat.id}:{message.message_id}"
    queued = await speech.say_in_chat(ctx, sender, message.text or "", key)
    spawn(tasks, queued, bot, ctx, message.chat.id, 0, sender.locale, edit_every_s)
