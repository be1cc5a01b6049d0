"""Plain text: said with the person's voice and settings (a voice note by default); /batch: one text
per line, the files back as one zip."""

from __future__ import annotations

from aiogram import F, Router
from aiogram.filters import Command, CommandObject
from aiogram.types import Message

from bot.telegram.replies import addressed
from handlers import speech
from handlers.chat import Sender
from handlers.context import Context
from handlers.delivery import Deliveries


def router() -> Router:
    r = Router(name="speech")
    r.message.filter(addressed)  # groups: only commands addressed to the bot
    r.message.register(batch, Command("batch"))
    r.message.register(say, F.text & ~F.text.startswith("/"))
    return r


def _key(message: Message) -> str:
    """A retried update (same message) queues the same job once."""
    return f"tg:{message.chat.id}:{message.message_id}"


async def say(message: Message, ctx: Context, sender: Sender, deliveries: Deliveries) -> None:
    deliveries.follow(await speech.say_in_chat(ctx, sender, message.text or "", _key(message)))


async def batch(
    message: Message, command: CommandObject, ctx: Context, sender: Sender, deliveries: Deliveries
) -> None:
    queued = await speech.batch_in_chat(ctx, sender, command.args or "", _key(message))
    await deliveries.announce(str(message.chat.id), queued)
