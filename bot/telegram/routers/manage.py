"""/voices, /samples, /status and /cancel (their buttons: ``routers/buttons.py``)."""

from __future__ import annotations

from aiogram import Router
from aiogram.filters import Command
from aiogram.types import Message

from bot.telegram.replies import addressed, answer
from handlers import chat_manage
from handlers.chat import Sender
from handlers.context import Context


def router() -> Router:
    r = Router(name="manage")
    r.message.filter(addressed)
    r.message.register(voices, Command("voices"))
    r.message.register(samples, Command("samples"))
    r.message.register(jobs, Command("status", "cancel"))
    return r


async def voices(message: Message, ctx: Context, sender: Sender) -> None:
    await answer(message, await chat_manage.voices(ctx, sender))


async def samples(message: Message, ctx: Context, sender: Sender) -> None:
    await answer(message, await chat_manage.samples(ctx, sender))


async def jobs(message: Message, ctx: Context, sender: Sender) -> None:
    await answer(message, await chat_manage.jobs(ctx, sender))
