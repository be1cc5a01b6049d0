"""/start, /help, /revoke and the consent buttons."""

from __future__ import annotations

from aiogram import F, Router
from aiogram.filters import Command, CommandStart
from aiogram.types import CallbackQuery, Message

from bot.telegram.replies import addressed, answer, answer_button
from handlers import consent
from handlers.chat import Reply, Sender
from handlers.context import Context
from handlers.messages import t


def router() -> Router:
    """A fresh router per dispatcher (an aiogram router belongs to one parent)."""
    r = Router(name="start")
    r.message.filter(addressed)  # groups: only commands addressed to the bot
    r.message.register(start, CommandStart())
    r.message.register(help_, Command("help"))
    r.message.register(revoke, Command("revoke"))
    r.callback_query.register(consent_button, F.data.in_({"consent:accept", "consent:decline"}))
    return r


async def start(message: Message, ctx: Context, sender: Sender) -> None:
    await answer(message, await consent.start(ctx, sender))


async def help_(message: Message, sender: Sender) -> None:
    await answer(message, Reply(t(sender.locale, "help")))


async def revoke(message: Message, ctx: Context, sender: Sender) -> None:
    await answer(message, await consent.revoke(ctx, sender))


async def consent_button(query: CallbackQuery, ctx: Context, sender: Sender) -> None:
    reply = await (consent.accept if query.data == "consent:accept" else consent.decline)(ctx, sender)
    await answer_button(query, reply, sender)
