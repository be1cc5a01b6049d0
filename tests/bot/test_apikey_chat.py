"""/apikey in the chats, over the real clients: a key made in a private Telegram chat opens the HTTP
API for that person (and is listed, then revoked); in a group it is refused; on Discord it comes
in an ephemeral answer, for the linked person's same account."""

from __future__ import annotations

import re

import httpx

from tests.bot.harness import discord_running, running
from tests.bot.http_harness import error_of, serving

KEY = re.compile(r"(vb_[A-Za-z0-9_\-]+)")


async def test_a_key_from_a_private_chat_opens_the_api_for_that_person(tmp_path):
    async with running(tmp_path) as (telegram, ctx), serving(ctx) as url:
        mark = len(telegram.calls)
        await telegram.message(51, "/apikey@voicebot_test_bot", chat_id=-100)  # a group: never there
        refused = await telegram.wait_for("sendMessage", after=mark, chat_id=-100)
        assert refused.params["text"].startswith("API keys are given only where nobody else")
        assert await ctx.storage.users.find("telegram", "51") is None or not (
            await ctx.storage.api_keys.list((await ctx.storage.users.find("telegram", "51")).id)
        )

        mark = len(telegram.calls)
        await telegram.message(51, "/apikey laptop", language="de")
        given = (await telegram.wait_for("sendMessage", after=mark, chat_id=51)).params["text"]
        assert given.startswith("Dein API-Schlüssel")  # in the person's language
        key = KEY.search(given).group(1)
        async with httpx.AsyncClient(base_url=url) as http:
            me = {"Authorization": f"Bearer {key}"}
            assert (await http.get("/v2/ai/voice-cloning/voices", headers=me)).json() == {"voices": []}

            mark = len(telegram.calls)
            await telegram.message(51, "/apikey list")
            listed = (await telegram.wait_for("sendMessage", after=mark, chat_id=51)).params["text"]
            key_id = re.search(r"• (\S+) · laptop · ", listed).group(1)
            assert key not in listed  # the secret is shown once, never again

            mark = len(telegram.calls)
            await telegram.message(51, "/apikey revoke nope")
            wrong = (await telegram.wait_for("sendMessage", after=mark, chat_id=51)).params["text"]
            assert wrong.startswith("You have no live key with that id")
            mark = len(telegram.calls)
            await telegram.message(51, f"/apikey revoke {key_id}")
            await telegram.wait_for("sendMessage", after=mark, chat_id=51)
            error_of(await http.get("/v2/ai/voice-cloning/voices", headers=me), 401, "unauthorized")


async def test_discord_gives_the_key_in_an_ephemeral_answer(tmp_path, monkeypatch):
    async with discord_running(tmp_path, monkeypatch) as (fake, ctx, _client), serving(ctx) as url:
        reply = await fake.reply_to(await fake.command("apikey", user_id="61", guild=True))
        assert reply["data"]["flags"] & 64  # only the person sees it, in a server too
        key = KEY.search(reply["data"]["content"]).group(1)
        async with httpx.AsyncClient(base_url=url) as http:
            shown = await http.get("/v2/consent", headers={"Authorization": f"Bearer {key}"})
            assert shown.status_code == 200 and shown.json()["accepted"] is False
        user = await ctx.storage.users.find("discord", "61")
        assert [k.name for k in await ctx.storage.api_keys.list(user.id)] == ["discord /apikey"]
