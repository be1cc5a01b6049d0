"""Builds the bot and its dispatcher (one router per feature, the handlers' context injected) and
runs it by long polling or by webhook. Refusals are answered in one place; anything else is logged,
never shown raw."""

from __future__ import annotations

import logging

from aiogram import Bot, Dispatcher
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.telegram import TelegramAPIServer
from aiogram.types import BotCommand, ErrorEvent

from bot.telegram.follow import Deliveries
from bot.telegram.replies import with_sender
from bot.telegram.routers import manage, settings, speech, start, voices
from bot.telegram.send import Outbox
from handlers.chat import Sender
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
    outbox: Outbox | None = None,
) -> tuple[Bot, Dispatcher]:
    """``api_url``: a local Bot API server (then raise ``download_limit`` past 20 MB)."""
    session = AiohttpSession(api=TelegramAPIServer.from_base(api_url)) if api_url else AiohttpSession()
    session.middleware(outbox or Outbox())
    bot = Bot(token, session=session)
    deliveries = Deliveries(bot, ctx, edit_every_s)
    # Injected by name into the handlers.
    dp = Dispatcher(ctx=ctx, deliveries=deliveries, getfile_limit=download_limit)
    dp.update.outer_middleware(with_sender)
    for feature in (start, settings, voices, manage, speech):
        dp.include_router(feature.router())
    dp.errors.register(_on_error)
    dp.startup.register(_on_startup)
    dp.shutdown.register(_on_shutdown)
    return bot, dp


COMMANDS = (
    "start",
    "newvoice",
    "samples",
    "train",
    "voices",
    "settings",
    "batch",
    "status",
    "help",
    "revoke",
)


async def register_commands(bot: Bot) -> None:
    """The command menu in each supported language (English also as the default)."""
    for language in (None, *LANGUAGES):
        commands = [BotCommand(command=c, description=t(language, f"command.{c}")) for c in COMMANDS]
        await bot.set_my_commands(commands, language_code=language)


async def _on_startup(deliveries: Deliveries) -> None:
    resumed = await deliveries.resume()
    if resumed:
        log.info("delivering %d results that were not delivered before the restart", resumed)


async def _on_shutdown(deliveries: Deliveries) -> None:
    await deliveries.close()


async def run_polling(
    ctx: Context, token: str, api_url: str | None, download_limit: int, edit_every_s: float
) -> None:
    """Long polling until cancelled (``voicebot run``)."""
    bot, dp = build(ctx, token, api_url, edit_every_s, download_limit)
    try:
        await register_commands(bot)
        await bot.delete_webhook()  # a webhook left set would make getUpdates fail
        await dp.start_polling(bot, handle_signals=False)
    finally:
        await bot.session.close()


async def _on_error(event: ErrorEvent, bot: Bot, sender: Sender | None = None) -> bool:
    exc = event.exception
    if isinstance(exc, Refusal):
        text = exc.message
    else:
        log.error("update %s failed", event.update.update_id, exc_info=exc)
        text = t(sender.locale if sender else None, "error.internal")
    if sender is not None:
        await bot.send_message(int(sender.chat_id), text)
    return True
