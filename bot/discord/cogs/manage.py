"""/jobs (cancel buttons) and /settings (buttons, or a name and a value typed)."""

from __future__ import annotations

import discord
from discord import app_commands

from bot.discord.cogs import Feature, described
from handlers import account, chat_manage

NAMES = [app_commands.Choice(name=name, value=name) for name in account.KEYS]


class Manage(Feature):
    @app_commands.command(name="jobs", description=described("jobs"))
    async def jobs(self, interaction: discord.Interaction) -> None:
        await self.answer(interaction, chat_manage.jobs(self.ctx, await self.sender(interaction)))

    @app_commands.command(name="settings", description=described("settings"))
    @app_commands.describe(name=described("settings.name"), value=described("settings.value"))
    @app_commands.choices(name=NAMES)
    async def settings(
        self, interaction: discord.Interaction, name: str | None = None, value: str | None = None
    ) -> None:
        sender = await self.sender(interaction)
        typed = " ".join(part for part in (name, value) if part)
        await self.answer(interaction, account.typed(self.ctx, sender, typed))
