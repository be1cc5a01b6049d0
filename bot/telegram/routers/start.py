"""/start, /help, /revoke (the consent buttons: ``routers/buttons.py``), /link, /unlink, and one's
data: /forgetme, /mydata, /usage (one's receipts); /apikey (keys for the HTTP API)."""

from __future__ import annotations

from aiogram import Router
from aiogram.filters import Command, CommandObject, CommandStart
from aiogram.types import Message

from bot.telegram.replies import addressed, answer
from handlers import apikeys, consent, link, privacy, receipts
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
    r.message.register(link_, Command("link"))
    r.message.register(unlink, Command("unlink"))
    r.message.register(forget_me, Command("forgetme"))
    r.message.register(my_data, Command("mydata"))
    r.message.register(usage, Command("usage"))
    r.message.register(apikey, Command("apikey"))
    return r


async def start(message: Message, ctx: Context, sender: Sender) -> None:
    await answer(message, await consent.start(ctx, sender))


async def help_(message: Message, sender: Sender) -> None:
    await answer(message, Reply(t(sender.locale, "help")))


async def revoke(message: Message, ctx: Context, sender: Sender) -> None:
    await answer(message, await consent.revoke(ctx, sender))


async def link_(message: Message, command: CommandObject, ctx: Context, sender: Sender) -> None:
    await answer(message, await link.typed(ctx, sender, command.args or ""))


async def unlink(message: Message, ctx: Context, sender: Sender) -> None:
    await answer(message, await link.unlink(ctx, sender))


async def forget_me(message: Message, ctx: Context, sender: Sender) -> None:
    await answer(message, await privacy.forget_in_chat(ctx, sender, confirmed=False))


async def my_data(message: Message, ctx: Context, sender: Sender) -> None:
    async with privacy.my_data(ctx, sender) as reply:
        await answer(message, reply)


async def usage(message: Message, ctx: Context, sender: Sender) -> None:
    await answer(message, await receipts.usage(ctx, sender))


async def apikey(message: Message, command: CommandObject, ctx: Context, sender: Sender) -> None:
    await answer(message, await apikeys.in_chat(ctx, sender, command.args or ""))
