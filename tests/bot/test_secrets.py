"""Bot tokens never reach a log, even at DEBUG: the logs of a whole flow on each platform are
captured and searched. (The fake servers' own access log is left out: Telegram's real Bot API puts
the token in its URLs, and that log is the fake's, not the bot's.)"""

from __future__ import annotations

import logging

from handlers import collect
from handlers.chat import Sender
from tests.audio import clips
from tests.bot.harness import discord_running, running
from tests.voices import collecting


def _bots_logs(caplog, library: str) -> str:
    records = [r for r in caplog.records if r.name != "aiohttp.access"]
    assert any(r.name.startswith(library) and r.levelno == logging.DEBUG for r in records)  # it did log
    return "\n".join(r.getMessage() for r in records)


async def test_no_token_in_the_logs_of_a_telegram_flow(tmp_path, caplog):
    caplog.set_level(logging.DEBUG)
    async with running(tmp_path, worker=True, within=240) as (fake, ctx):
        sender = Sender("telegram", "95", "95", "en")
        user, _ = await collecting(ctx, sender, clips("allison_en")[:4])
        await ctx.engine.wait(user.id, (await collect.train(ctx, sender, None)).job_id)
        mark = len(fake.calls)
        await fake.message(95, "Say this, and log everything while you do.")
        await fake.wait_for("sendVoice", after=mark, chat_id=95, within=120)
        token = fake.token
    logs = _bots_logs(caplog, "aiogram")
    assert token not in logs
    assert token.split(":")[1] not in logs  # nor its secret half alone


async def test_no_token_in_the_logs_of_a_discord_flow(tmp_path, monkeypatch, caplog):
    caplog.set_level(logging.DEBUG)
    async with discord_running(tmp_path, monkeypatch, worker=True, within=240) as (fake, ctx, _client):
        sender = Sender("discord", "96", "777", "en")
        user, _ = await collecting(ctx, sender, clips("allison_en")[:4])
        await ctx.engine.wait(user.id, (await collect.train(ctx, sender, None)).job_id)
        asked = await fake.command("speak", {"text": "Log everything."}, user_id="96")
        await fake.sent("/channels/777/messages", lambda body: body.get("flags") == 8192)
        assert asked["token"]
    logs = _bots_logs(caplog, "discord")
    assert "test-token" not in logs
