"""Builds the bot and its dispatcher (one router per feature, the handlers' context injected) and
runs it by long polling or as a webhook server. Refusals are answered in one place; anything else is logged,
never shown raw."""

from __future__ import annotations

import asyncio
import logging
from urllib.parse import urlsplit

from aiogram import Bot, Dispatcher
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.telegram import TelegramAPIServer
from aiogram.types import BotCommand, ErrorEvent
from aiogram.webhook.aiohttp_server import SimpleRequestHandler, setup_application
from aiohttp import web

from bot.config import TelegramConfig
from bot.telegram.follow import TelegramOutlet
from bot.telegram.replies import with_sender
from bot.telegram.routers import buttons, manage, settings, speech, start, voices
from bot.telegram.send import Outbox
from handlers.chat import Sender
from handlers.context import Context
from handlers.delivery import Deliveries
from handlers.errors import Refusal
from handlers.messages import LANGUAGES, t, unexpected
from handlers.notices import Notices

log = logging.getLogger("voicebot.telegram")


def build(
    ctx: Context,
    token: str,
    api_url: str | None = None,
    edit_every_s: float = 3.0,
    download_limit: int = voices.GETFILE_LIMIT,
    outbox: Outbox | None = None,
    notices_every_s: float = 30.0,
) -> tuple[Bot, Dispatcher]:
    """``api_url``: a local Bot API server (then raise ``download_limit`` past 20 MB)."""
    session = AiohttpSession(api=TelegramAPIServer.from_base(api_url)) if api_url else AiohttpSession()
    session.middleware(outbox or Outbox())
    bot = Bot(token, session=session)
    outlet = TelegramOutlet(bot)
    deliveries = Deliveries(outlet, ctx, edit_every_s)
    # Injected by name into the handlers.
    dp = Dispatcher(
        ctx=ctx,
        deliveries=deliveries,
        notices=Notices(outlet, ctx, notices_every_s),
        getfile_limit=download_limit,
    )
    dp.update.outer_middleware(with_sender)
    for feature in (start, settings, voices, manage, buttons, speech):
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
    "link",
    "revoke",
    "forgetme",
    "mydata",
    "usage",
    "apikey",
    "verify",
)


async def register_commands(bot: Bot) -> None:
    """The command menu in each supported language (English also as the default)."""
    for language in (None, *LANGUAGES):
        commands = [BotCommand(command=c, description=t(language, f"command.{c}")) for c in COMMANDS]
        await bot.set_my_commands(commands, language_code=language)


async def _on_startup(deliveries: Deliveries, notices: Notices) -> None:
    resumed = await deliveries.resume()
    if resumed:
        log.info("delivering %d results that were not delivered before the restart", resumed)
    notices.start()  # reminders and use alerts the worker and its chores queued


async def _on_shutdown(deliveries: Deliveries, notices: Notices) -> None:
    await notices.close()
    await deliveries.close()


async def run(ctx: Context, settings: TelegramConfig, token: str) -> None:
    """``voicebot run``: long polling, or a webhook server when ``webhook_url`` is set; until cancelled."""
    bot, dp = build(
        ctx, token, settings.api_url, settings.progress_edit_s, settings.download_limit_mb * 2**20,
        notices_every_s=settings.notices_every_s,
    )  # fmt: skip
    try:
        await register_commands(bot)
        if settings.webhook_url:
            secret = settings.webhook_secret()
            assert secret is not None  # checked before start (config.problems)
            await _serve_webhook(bot, dp, settings, secret.get_secret_value())
        else:
            await bot.delete_webhook()  # a webhook left set would make getUpdates fail
            await dp.start_polling(bot, handle_signals=False)
    finally:
        await bot.session.close()


async def _serve_webhook(bot: Bot, dp: Dispatcher, settings: TelegramConfig, secret: str) -> None:
    """Updates arrive as POSTs on the URL's path; only those carrying the secret are handled."""
    app = web.Application()
    path = urlsplit(settings.webhook_url).path or "/"
    SimpleRequestHandler(dispatcher=dp, bot=bot, secret_token=secret).register(app, path=path)
    setup_application(app, dp, bot=bot)  # the dispatcher's startup (deliveries resumed) and shutdown
    runner = web.AppRunner(app)
    await runner.setup()
    try:
        await web.TCPSite(runner, settings.webhook_listen, settings.webhook_port).start()
        await bot.set_webhook(
            settings.webhook_url, secret_token=secret, allowed_updates=dp.resolve_used_update_types()
        )
        log.info("telegram: webhook on %s:%s%s", settings.webhook_listen, settings.webhook_port, path)
        await asyncio.Event().wait()  # until cancelled
    finally:
        await runner.cleanup()


async def _on_error(event: ErrorEvent, bot: Bot, sender: Sender | None = None) -> bool:
    exc = event.exception
    if isinstance(exc, Refusal):
        text = exc.message
    else:
        log.error("update %s failed", event.update.update_id, exc_info=exc)
        text = unexpected(sender.locale if sender else None, exc)
    if sender is not None:
        await bot.send_message(int(sender.chat_id), text)
    return True
