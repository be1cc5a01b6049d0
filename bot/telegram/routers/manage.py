"""/voices (renew, delete with confirmation), /samples (remove one), /status and /cancel."""

from __future__ import annotations

from collections.abc import Awaitable

from aiogram import F, Router
from aiogram.filters import Command
from aiogram.types import CallbackQuery, Message

from bot.telegram.replies import addressed, answer, answer_button
from handlers import chat_manage
from handlers.chat import Reply, Sender
from handlers.context import Context
from handlers.errors import Refusal
from handlers.messages import t


def router() -> Router:
    r = Router(name="manage")
    r.message.filter(addressed)
    r.message.register(voices, Command("voices"))
    r.message.register(samples, Command("samples"))
    r.message.register(jobs, Command("status", "cancel"))
    r.callback_query.register(delete, F.data.startswith("delete:"))
    r.callback_query.register(renew, F.data.startswith("renew:"))
    r.callback_query.register(remove_sample, F.data.startswith("sample:"))
    r.callback_query.register(cancel, F.data.startswith("cancel:"))
    return r


async def voices(message: Message, ctx: Context, sender: Sender) -> None:
    await answer(message, await chat_manage.voices(ctx, sender))


async def samples(message: Message, ctx: Context, sender: Sender) -> None:
    await answer(message, await chat_manage.samples(ctx, sender))


async def jobs(message: Message, ctx: Context, sender: Sender) -> None:
    await answer(message, await chat_manage.jobs(ctx, sender))


async def _pressed(query: CallbackQuery, sender: Sender, use_case: Awaitable[Reply]) -> None:
    """A button's use case answered where it was pressed; a refusal is the reply."""
    try:
        reply = await use_case
    except Refusal as exc:
        reply = Reply(exc.message)
    await answer_button(query, reply, sender)


def _arg(query: CallbackQuery) -> str:
    return (query.data or "").split(":", 1)[1]


async def delete(query: CallbackQuery, ctx: Context, sender: Sender) -> None:
    parts = (query.data or "").split(":")
    if parts[1] == "keep":
        await answer_button(query, Reply(t(sender.locale, "voices.kept")), sender)
        return
    await _pressed(query, sender, chat_manage.delete(ctx, sender, parts[1], confirmed=parts[2:] == ["yes"]))


async def renew(query: CallbackQuery, ctx: Context, sender: Sender) -> None:
    await _pressed(query, sender, chat_manage.renew(ctx, sender, _arg(query)))


async def remove_sample(query: CallbackQuery, ctx: Context, sender: Sender) -> None:
    await _pressed(query, sender, chat_manage.remove_sample(ctx, sender, _arg(query)))


async def cancel(query: CallbackQuery, ctx: Context, sender: Sender) -> None:
    await _pressed(query, sender, chat_manage.cancel(ctx, sender, _arg(query)))
