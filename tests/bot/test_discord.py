"""The real discord.py client against a fake Discord on 127.0.0.1: commands synced, consent given with
a button, replies in the interaction's language."""

from __future__ import annotations

import asyncio
import contextlib

import discord
import pytest
import yarl

from bot.app import open_context
from bot.config import load_config
from bot.discord.app import VoiceBot
from handlers import consent
from handlers.chat import Sender
from tests.fake_discord import APP_ID, running_fake


@contextlib.asynccontextmanager
async def connected(tmp_path, monkeypatch):
    async with running_fake() as fake, open_context(load_config(data_dir=tmp_path)) as ctx:
        monkeypatch.setattr(discord.http.Route, "BASE", fake.api)
        monkeypatch.setattr(discord.gateway.DiscordWebSocket, "DEFAULT_GATEWAY", yarl.URL(fake.gateway))
        client = VoiceBot(ctx)
        running = asyncio.create_task(client.start("test-token"))
        try:
            async with asyncio.timeout(60):
                await fake.ready.wait()
                await client.wait_until_ready()
            yield fake, ctx, client
        finally:
            await client.close()
            with contextlib.suppress(asyncio.CancelledError):
                await asyncio.wait_for(running, 30)


async def test_commands_are_synced_and_consent_is_given_with_a_button(tmp_path, monkeypatch):
    async with connected(tmp_path, monkeypatch) as (fake, ctx, _client):
        assert {"consent", "revoke", "help"} <= {c["name"] for c in fake.commands}
        asked = await fake.reply_to(await fake.command("consent", locale="fr"))
        assert asked["type"] == 4 and asked["data"]["content"].startswith("Bonjour")
        question = await fake.sent(f"/webhooks/{APP_ID}/", lambda body: bool(body.get("components")))
        assert question.body["content"].endswith("Acceptez-vous cette déclaration (version 2026-11) ?")
        custom_ids = [b["custom_id"] for row in question.body["components"] for b in row["components"]]
        assert custom_ids == ["consent:accept", "consent:decline"]

        accepted = await fake.reply_to(await fake.press("consent:accept", locale="fr"))
        assert accepted["data"]["content"].startswith("Merci")
        user = await consent.user_for(ctx, Sender("discord", "42", "777", "fr"))
        assert await ctx.storage.consents.active(user.id)


async def test_a_stale_button_is_answered_in_the_persons_language(tmp_path, monkeypatch):
    async with connected(tmp_path, monkeypatch) as (fake, _ctx, _client):
        reply = await fake.reply_to(await fake.press("renamed-action:1", locale="de"))
        assert (
            reply["data"]["content"]
            == "Diese Schaltfläche funktioniert nicht mehr. Schick den Befehl noch einmal."
        )


@pytest.mark.parametrize("locale", ["it"])
async def test_help_is_in_the_interactions_language(tmp_path, monkeypatch, locale):
    async with connected(tmp_path, monkeypatch) as (fake, _ctx, _client):
        reply = await fake.reply_to(await fake.command("help", locale=locale))
        assert "/newvoice" in reply["data"]["content"] and reply["data"]["content"] != ""
