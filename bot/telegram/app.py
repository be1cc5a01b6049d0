"""Builds the bot and its dispatcher (one router per feature, the handlers' context injected) and
runs long polling. Refusals are answered in one place; anything else is logged, never shown raw."""

from __future__ import annotations

import logging

from aiogram import Bot, Dispatcher
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.telegram import TelegramAPIServer
from aiogram.types import BotCommand, ErrorEvent

from bot.telegram.routers import manage, speech, start, voices
from bot.telegram.send import retrying
from handlers.context import Context
from handlers.errors import Refusal
from handlers.messages import LANGUAGES, t

log = logging.getLogger("voicebot.telegram")


def build(
    ctx: Context,
    token: str,
    api_url: str | None = None,
    edit_every_s: float = 3.0,
    download_limit: int = voices.GETFILE_LIMIT,
) -> tuple[Bot, Dispatcher]:
    """``api_url``: a local Bot API server (then raise ``download_limit`` past 20 MB)."""
    session = AiohttpSession(api=TelegramAPIServer.from_base(api_url)) if api_url else AiohttpSession()
    bot = Bot(token, session=session)
    # Injected by name into the handlers.
    dp = Dispatcher(ctx=ctx, tasks=set(), edit_every_s=edit_every_s, getfile_limit=download_limit)
    for feature in (start, voices, manage, speech):
        dp.include_router(feature.router())
    dp.errors.register(_on_error)
    return bot, dp


COMMANDS = ("start", "newvoice", "train", "voices", "status", "help", "revoke")


async def register_commands(bot: Bot) -> None:
    """The command menu in each supported language (English also as the default)."""
    for language in (None, *LANGUAGES):
        commands = [BotCommand(command=c, description=t(language, f"command.{c}")) for c in COMMANDS]
        await retrying(bot.set_my_commands, commands, language_code=language)


async def run_polling(
    ctx: Context, token: str, api_url: str | None, download_limit: int, edit_every_s: float
) -> None:
    """Long polling until cancelled (``voicebot run``)."""
    bot, dp = build(ctx, token, api_url, edit_every_s, download_limit)
    try:
        await register_commands(bot)
        await dp.start_polling(bot, handle_signals=False)
    finally:
        await bot.session.close()


async def _on_error(event: ErrorEvent) -> bool:
    update, exc = event.update, event.exception
    message = update.message or (update.callback_query.message if update.callback_query else None)
    user = (
        update.message.from_user
        if update.message
        else (update.callback_query.from_user if update.callback_query else None)
    )
    locale = user.language_code if user else None
    if isinstance(exc, Refusal):
        text = exc.message
    else:
        log.error("update %s failed", update.update_id, exc_info=exc)
        text = t(locale, "error.internal")
    if message is not None:
        await retrying(message.answer, text)
    return True
