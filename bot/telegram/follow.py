"""The Telegram ``Outlet`` for ``handlers.delivery``: how a job's outcome is sent in a chat."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

from aiogram import Bot
from aiogram.exceptions import TelegramBadRequest, TelegramForbiddenError
from aiogram.types import BufferedInputFile, FSInputFile
from aiogram.utils.chat_action import ChatActionSender

from bot.telegram.replies import keyboard
from bot.telegram.send import later
from handlers.chat import Reply
from handlers.delivery import Target, Undeliverable


class TelegramOutlet:
    platform = "telegram"

    def __init__(self, bot: Bot) -> None:
        self.bot = bot

    async def send_text(self, to: Target, text: str) -> int:
        async with _reachable():
            return (await self.bot.send_message(int(to.chat), text)).message_id

    async def send_notice(self, to: Target, reply: Reply) -> None:
        async with _reachable():  # a private chat's id is the person's id
            await self.bot.send_message(int(to.user or to.chat), reply.text, reply_markup=keyboard(reply))

    async def edit_text(self, to: Target, message: Any, text: str) -> None:
        # Progress: behind every reply in the chat and in the bot's budget (send.py's lanes).
        with contextlib.suppress(TelegramBadRequest), later():  # "message is not modified" and the like
            await self.bot.edit_message_text(text=text, chat_id=int(to.chat), message_id=message)

    async def send_audio(self, to: Target, path: Path, send_as: str, audio_format: str, seconds: int) -> None:
        chat = to.chat
        # Speech files are small: read at once (FSInputFile would read chunk by chunk in threads).
        data = await asyncio.to_thread(path.read_bytes)
        audio = BufferedInputFile(data, filename=f"speech.{audio_format}")
        async with _reachable():
            if send_as == "voice":
                await self.bot.send_voice(int(chat), audio, duration=seconds)
            elif send_as == "audio":
                await self.bot.send_audio(int(chat), audio, duration=seconds)
            else:
                await self.bot.send_document(int(chat), audio)

    async def send_file(self, to: Target, path: Path, filename: str, caption: str) -> None:
        document = FSInputFile(path, filename=filename)
        async with _reachable():
            await self.bot.send_document(int(to.chat), document, caption=caption)

    def working(self, to: Target, speech: bool) -> contextlib.AbstractAsyncContextManager[Any]:
        if speech:
            return ChatActionSender.record_voice(bot=self.bot, chat_id=int(to.chat))
        return contextlib.nullcontext()


@contextlib.asynccontextmanager
async def _reachable() -> AsyncIterator[None]:
    """Blocked by the person, or the chat is gone: nothing to retry."""
    try:
        yield
    except (TelegramForbiddenError, TelegramBadRequest) as exc:
        raise Undeliverable(str(exc)) from exc
