"""One person, two platforms, over both real clients: /link on Telegram gives a code, /link CODE on
Discord makes that Discord account stand for the Telegram one (same voices, consent, settings);
others still see nothing; /unlink parts them, each keeping its own."""

from __future__ import annotations

import re

from handlers import collect
from handlers.chat import Sender
from tests.audio import clips
from tests.bot.harness import discord_running, running
from tests.voices import collecting


async def test_link_walks_from_telegram_to_discord_and_back(tmp_path, monkeypatch):
    async with running(tmp_path, worker=True, within=240) as (telegram, ctx):
        sender = Sender("telegram", "91", "91", "en")
        user, voice = await collecting(ctx, sender, clips("allison_en")[:4], name="Allison")
        await ctx.engine.wait(user.id, (await collect.train(ctx, sender, None)).job_id)

        mark = len(telegram.calls)
        await telegram.message(91, "/link")
        given = await telegram.wait_for("sendMessage", after=mark, chat_id=91)
        code = re.search(r"Your code: (\d{8})\.", given.params["text"]).group(1)

        async with discord_running(tmp_path, monkeypatch) as (discord, _ctx, _client):
            wrong = await discord.command(
                "link", {"code": "00000000" if code != "00000000" else "1"}, user_id="92"
            )
            assert (await discord.answer(wrong)).startswith("That code is wrong or has expired")
            linked = await discord.command("link", {"code": code}, user_id="92")
            assert (await discord.answer(linked)).startswith("Linked: this account now shares your voices")
            again = await discord.command("link", {"code": code}, user_id="93")  # used up
            assert (await discord.answer(again)).startswith("That code is wrong or has expired")

            listed = await discord.command("voice list", user_id="92")
            assert "Allison" in await discord.answer(listed)
            assert await discord.complete("speak", "voice", "", user_id="92") == [
                {"name": "Allison", "value": voice.id}
            ]
            stranger = await discord.command("voice list", user_id="93")
            assert "Allison" not in await discord.answer(stranger)

            parted = await discord.command("unlink", user_id="92")
            assert (await discord.answer(parted)).startswith("Unlinked")
            after = await discord.command("voice list", user_id="92")
            assert (await discord.answer(after)).startswith("You have no voices yet")
        assert [v.id for v in await ctx.storage.voices.list(user.id)] == [voice.id]  # Telegram's own, kept
