"""/voices (delete with confirmation), /status and /cancel (one's own jobs, cancel by button)."""

from __future__ import annotations

from aiogram import F, Router
from aiogram.filters import Command
from aiogram.types import CallbackQuery, Message

from bot.telegram.replies import addressed, answer, answer_button, sender_of, sender_of_query
from handlers import chat_manage
from handlers.chat import Reply
from handlers.context import Context
from handlers.errors import Refusal
from handlers.messages import t


def router() -> Router:
    r = Router(name="manage")
    r.message.filter(addressed)
    r.message.register(voices, Command("voices"))
    r.message.register(jobs, Command("status", "cancel"))
    r.callback_query.register(delete, F.data.startswith("delete:"))
    r.callback_query.register(cancel, F.data.startswith("cancel:"))
    return r


async def voices(message: Message, ctx: Context) -> None:
    await answer(message, await chat_manage.voices(ctx, sender_of(message)))


async def jobs(message: Message, ctx: Context) -> None:
    await answer(message, await chat_manage.jobs(ctx, sender_of(message)))


async def delete(query: CallbackQuery, ctx: Context) -> None:
    sender = sender_of_query(query)
    parts = (query.data or "").split(":")
    if parts[1] == "keep":
        reply = Reply(t(sender.locale, "voices.kept"))
    else:
        try:
            reply = await chat_manage.delete(ctx, sender, parts[1], confirmed=parts[2:] == ["yes"])
        except Refusal as exc:
            reply = Reply(exc.message)
    await answer_button(query, reply)


async def cancel(query: CallbackQuery, ctx: Context) -> None:
    sender = sender_of_query(query)
    try:
        reply = await chat_manage.cancel(ctx, sender, (query.data or "").split(":", 1)[1])
    except Refusal as exc:
        reply = Reply(exc.message)
    await answer_button(query, reply)
