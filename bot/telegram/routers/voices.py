"""/newvoice (name, then the kind by button), voice notes and audio as samples, /train."""

from __future__ import annotations

import asyncio

from aiogram import Bot, F, Router
from aiogram.filters import Command, CommandObject
from aiogram.types import CallbackQuery, Message

from bot.telegram.follow import follow
from bot.telegram.replies import addressed, answer, sender_of, sender_of_query
from bot.telegram.send import retrying
from handlers import collect
from handlers.consent import user_for
from handlers.context import Context
from handlers.errors import Refusal
from handlers.messages import t

GETFILE_LIMIT = 20 * 1024 * 1024  # the cloud Bot API's getFile limit; a local server lifts it


def router() -> Router:
    r = Router(name="voices")
    r.message.filter(addressed)  # groups: only commands addressed to the bot
    r.message.register(new_voice, Command("newvoice"))
    r.callback_query.register(choose_type, F.data.startswith("tier:"))
    r.message.register(train, Command("train"))
    r.message.register(sample, F.voice | F.audio | F.document)
    return r


async def new_voice(message: Message, command: CommandObject, ctx: Context) -> None:
    await answer(message, await collect.new_voice(ctx, sender_of(message), command.args or ""))


async def choose_type(query: CallbackQuery, ctx: Context) -> None:
    _, voice_id, voice_type = (query.data or "").split(":", 2)
    sender = sender_of_query(query)
    chat_id = int(sender.chat_id)
    await query.answer()
    try:
        reply = await collect.choose_type(ctx, sender, voice_id, voice_type)
    except Refusal as exc:
        await retrying(query.bot.send_message, chat_id, exc.message)
        return
    if query.message is not None:
        await query.message.edit_reply_markup(reply_markup=None)
    await retrying(query.bot.send_message, chat_id, reply.text)


async def sample(message: Message, bot: Bot, ctx: Context, getfile_limit: int) -> None:
    media = message.voice or message.audio or message.document
    assert media is not None
    mime = getattr(media, "mime_type", None) or ""
    if message.document and not (mime.startswith("audio/") or mime in ("video/ogg", "application/ogg")):
        # Not audio by its own description: refused before anything is downloaded.
        await message.answer(t(sender_of(message).locale, "collect.not_audio"))
        return

    async def fetch() -> bytes:
        return (await bot.download(media.file_id)).read()

    incoming = collect.Incoming(fetch, media.file_size, getattr(media, "duration", None), "voice note")
    await answer(message, await collect.add_sample(ctx, sender_of(message), incoming, getfile_limit))


async def train(message: Message, bot: Bot, ctx: Context, tasks: set, edit_every_s: float) -> None:
    sender = sender_of(message)
    reply, job_id = await collect.train(ctx, sender, f"tg:{message.chat.id}:{message.message_id}")
    shown = await retrying(message.answer, reply.text)
    user = await user_for(ctx, sender)
    task = asyncio.create_task(
        follow(bot, ctx, user.id, job_id, message.chat.id, shown.message_id, sender.locale, edit_every_s)
    )
    tasks.add(task)
    task.add_done_callback(tasks.discard)
