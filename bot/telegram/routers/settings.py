"""/settings: reply language, the voice text is said with, speed, pitch, emotion, reply format."""

from __future__ import annotations

from aiogram import F, Router
from aiogram.filters import Command, CommandObject
from aiogram.types import CallbackQuery, Message

from bot.telegram.replies import addressed, answer, answer_button
from handlers import account
from handlers.chat import Reply, Sender
from handlers.context import Context
from handlers.errors import Refusal


def router() -> Router:
    r = Router(name="settings")
    r.message.filter(addressed)
    r.message.register(settings, Command("settings"))
    r.callback_query.register(button, F.data.startswith("set:"))
    return r


async def settings(message: Message, command: CommandObject, ctx: Context, sender: Sender) -> None:
    await answer(message, await account.typed(ctx, sender, command.args or ""))


async def button(query: CallbackQuery, ctx: Context, sender: Sender) -> None:
    """``set:NAME`` offers the choices; ``set:NAME:VALUE`` saves one."""
    _, name, *value = (query.data or "").split(":", 2)
    try:
        if value:
            reply = await account.change(ctx, sender, name, value[0])
        else:
            reply = await account.choices(ctx, sender, name)
    except Refusal as exc:
        reply = Reply(exc.message)
    await answer_button(query, reply, sender)
