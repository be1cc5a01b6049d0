"""The bots as tests run them: the fake Bot API with the real aiogram client polling it, or the fake
Discord with the real discord.py client connected to it; the handlers' context, and
(``worker=True``) the real worker loop in the same process, like ``voicebot run``."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import discord
import pytest
import yarl

from bot.app import open_context
from bot.config import load_config
from bot.discord.app import VoiceBot
from bot.telegram.app import build
from bot.telegram.send import Outbox
from engine.jobs.worker import Worker
from handlers.context import Context
from handlers.jobs import runners
from tests.fake_discord import FakeDiscord, running_fake
from tests.fake_telegram import FakeTelegram


@asynccontextmanager
async def running(
    data_dir: Path, *, worker: bool = False, within: float = 120, outbox: Outbox | None = None
) -> AsyncIterator[tuple[FakeTelegram, Context]]:
    """``outbox``: the send pacing; by default a fast one, so tests of other things need not wait."""
    fake = FakeTelegram()
    url = await fake.start()
    async with open_context(load_config(data_dir=data_dir)) as ctx:
        bot, dp = build(
            ctx,
            fake.token,
            url,
            edit_every_s=0.2,
            outbox=outbox or Outbox(50.0, 50.0, 100.0, 10),
            notices_every_s=0.2,
        )
        serving = Worker(ctx.engine.queue, runners(ctx), poll_s=0.05, register=False) if worker else None
        tasks = [asyncio.create_task(dp.start_polling(bot, handle_signals=False, polling_timeout=1))]
        if serving is not None:
            tasks.append(asyncio.create_task(serving.run()))
        try:
            async with asyncio.timeout(within):
                yield fake, ctx
        finally:
            if serving is not None:
                serving.stop()
            await dp.stop_polling()
            await asyncio.wait_for(asyncio.gather(*tasks), 60)
            await bot.session.close()
            await fake.stop()


@asynccontextmanager
async def discord_running(
    data_dir: Path, monkeypatch: pytest.MonkeyPatch, *, worker: bool = False, within: float = 120
) -> AsyncIterator[tuple[FakeDiscord, Context, VoiceBot]]:
    async with running_fake() as fake, open_context(load_config(data_dir=data_dir)) as ctx:
        monkeypatch.setattr(discord.http.Route, "BASE", fake.api)
        monkeypatch.setattr(discord.gateway.DiscordWebSocket, "DEFAULT_GATEWAY", yarl.URL(fake.gateway))
        client = VoiceBot(ctx)
        client.deliveries.every_s = 0.2
        client.notices.every_s = 0.2
        tasks = [asyncio.create_task(client.start("test-token"))]
        serving = Worker(ctx.engine.queue, runners(ctx), poll_s=0.05, register=False) if worker else None
        if serving is not None:
            tasks.append(asyncio.create_task(serving.run()))
        try:
            async with asyncio.timeout(within):
                await fake.ready.wait()
                await client.wait_until_ready()
                yield fake, ctx, client
        finally:
            if serving is not None:
                serving.stop()
            await client.close()
            with contextlib.suppress(asyncio.CancelledError):
                await asyncio.wait_for(asyncio.gather(*tasks), 60)
