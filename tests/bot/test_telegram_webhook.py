"""Webhook mode: the bot registers its URL with a secret, serves updates posted to it, and turns away
posts without the secret."""

from __future__ import annotations

import asyncio
import contextlib
import socket

import aiohttp

from bot.app import open_context
from bot.config import TelegramConfig, load_config
from bot.telegram.app import run
from tests.fake_telegram import FakeTelegram

SECRET = "s3cret-Token_1"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _update(update_id: int, text: str) -> dict:
    user = {"id": 41, "is_bot": False, "first_name": "w", "language_code": "en"}
    message = {"message_id": update_id, "date": 0, "chat": {"id": 41, "type": "private"}, "from": user}
    entities = [{"type": "bot_command", "offset": 0, "length": len(text)}]
    return {"update_id": update_id, "message": message | {"text": text, "entities": entities}}


async def test_updates_posted_with_the_secret_are_answered_and_others_refused(tmp_path, monkeypatch):
    monkeypatch.setenv("VOICEBOT_TELEGRAM_WEBHOOK_SECRET", SECRET)
    fake = FakeTelegram()
    await fake.start()
    port = _free_port()
    settings = TelegramConfig(
        enabled=True, api_url=fake.url, webhook_url="https://bot.example.org/tg/hook", webhook_port=port
    )
    async with open_context(load_config(data_dir=tmp_path)) as ctx:
        serving = asyncio.create_task(run(ctx, settings, fake.token))
        try:
            hooked = await fake.wait_for("setWebhook", within=30)
            assert hooked.params["url"] == "https://bot.example.org/tg/hook"
            assert hooked.params["secret_token"] == SECRET
            assert not [c for c in fake.calls if c.method == "getUpdates"]  # no polling
            async with aiohttp.ClientSession() as http:
                url = f"http://127.0.0.1:{port}/tg/hook"
                wrong = await http.post(
                    url, json=_update(1, "/help"), headers={"X-Telegram-Bot-Api-Secret-Token": "no"}
                )
                assert wrong.status == 401
                right = await http.post(
                    url, json=_update(2, "/help"), headers={"X-Telegram-Bot-Api-Secret-Token": SECRET}
                )
                assert right.status == 200
            reply = await fake.wait_for("sendMessage", chat_id=41)
            assert reply.params["text"].startswith("/start – consent")
            await asyncio.sleep(0.3)
            assert len([c for c in fake.calls if c.method == "sendMessage"]) == 1  # the wrong one did nothing
        finally:
            serving.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await asyncio.wait_for(serving, 30)
            await fake.stop()


def test_a_webhook_without_a_usable_secret_is_a_configuration_problem(monkeypatch, tmp_path):
    config = load_config(data_dir=tmp_path)
    telegram = config.telegram.model_copy(update={"enabled": True, "webhook_url": "https://x.org/h"})
    monkeypatch.setenv("VOICEBOT_TELEGRAM_TOKEN", "1:x")
    monkeypatch.delenv("VOICEBOT_TELEGRAM_WEBHOOK_SECRET", raising=False)
    problems = config.model_copy(update={"telegram": telegram}).problems()
    assert any("VOICEBOT_TELEGRAM_WEBHOOK_SECRET" in p for p in problems)
    monkeypatch.setenv("VOICEBOT_TELEGRAM_WEBHOOK_SECRET", "has spaces")
    assert config.model_copy(update={"telegram": telegram}).problems()
    monkeypatch.setenv("VOICEBOT_TELEGRAM_WEBHOOK_SECRET", SECRET)
    assert config.model_copy(update={"telegram": telegram}).problems() == []
