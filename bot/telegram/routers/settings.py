"""/settings: reply language, the voice text is said with, speed, pitch, emotion, reply format."""

from __future__ import annotations

from aiogram import Router
from aiogram.filters import Command, CommandObject
from aiogram.types import Message

from bot.telegram.replies import addressed, answer
from handlers import account
from handlers.chat import Sender
from handlers.context import Context


def router() -> Router:
    r = Router(name="settings")
    r.message.filter(addressed)
    r.message.register(settings, Command("settings"))
    return r


async def settings(message: Message, command: CommandObject, ctx: Context, sender: Sender) -> None:
    await answer(message, await account.typed(ctx, sender, command.args or ""))
