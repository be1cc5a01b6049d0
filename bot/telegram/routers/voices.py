"""/newvoice (name, then the kind by button), voice notes and audio as samples, /train, /verify (a
file with it as its caption)."""

from __future__ import annotations

import aiohttp
from aiogram import Bot, F, Router
from aiogram.exceptions import TelegramAPIError
from aiogram.filters import Command, CommandObject
from aiogram.types import Message

from bot.telegram.replies import addressed, answer
from handlers import collect, provenance
from handlers.chat import Sender
from handlers.context import Context
from handlers.delivery import Deliveries

GETFILE_LIMIT = 20 * 1024 * 1024  # the cloud Bot API's getFile limit; a local server lifts it


def router() -> Router:
    r = Router(name="voices")
    r.message.filter(addressed)  # groups: only commands addressed to the bot
    r.message.register(new_voice, Command("newvoice"))
    r.message.register(train, Command("train"))
    r.message.register(verify, Command("verify"))  # also a file whose caption is /verify
    r.message.register(sample, F.voice | F.audio | F.document | F.video | F.video_note)  # videos: their sound
    return r


def incoming(message: Message, bot: Bot) -> collect.Incoming | None:
    """The audio a message carries, as the handlers take it (fetched only once checks pass)."""
    media = message.voice or message.audio or message.document or message.video or message.video_note
    if media is None:
        return None

    async def fetch() -> bytes:
        try:
            return (await bot.download(media.file_id)).read()
        except (TelegramAPIError, aiohttp.ClientError, TimeoutError) as exc:  # gone, or the network
            raise collect.DownloadFailed(str(exc)) from exc

    if message.voice:
        mime = None  # Telegram's own voice note
    elif message.video_note:
        mime = "video/mp4"  # a round video note declares no type: always MP4
    else:
        mime = getattr(media, "mime_type", None) or "application/octet-stream"
    return collect.Incoming(fetch, media.file_size, mime, getattr(media, "duration", None))


async def new_voice(message: Message, command: CommandObject, ctx: Context, sender: Sender) -> None:
    await answer(message, await collect.new_voice(ctx, sender, command.args or ""))


async def sample(message: Message, bot: Bot, ctx: Context, sender: Sender, getfile_limit: int) -> None:
    given = incoming(message, bot)
    assert given is not None
    await answer(message, await collect.add_sample(ctx, sender, given, getfile_limit))


async def verify(message: Message, bot: Bot, ctx: Context, sender: Sender, getfile_limit: int) -> None:
    await answer(message, await provenance.verify_in_chat(ctx, sender, incoming(message, bot), getfile_limit))


async def train(message: Message, ctx: Context, sender: Sender, deliveries: Deliveries) -> None:
    queued = await collect.train(ctx, sender, f"tg:{message.chat.id}:{message.message_id}")
    await deliveries.announce(str(message.chat.id), queued)
