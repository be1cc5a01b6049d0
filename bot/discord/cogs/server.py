"""/server show and /server set, for those who may manage the server: who may clone, speak and use
the voice channel, the speak-for-me channel, the longest text, the voice channel, daily quotas."""

from __future__ import annotations

import re

import discord
from discord import app_commands
from discord.ext import commands

from bot.discord.cogs import Feature, described
from handlers import servers
from handlers.errors import Refusal
from handlers.messages import t

NAMES = [app_commands.Choice(name=name, value=name) for name in servers.NAMES]


@app_commands.default_permissions(manage_guild=True)  # shown to those who may manage the server
@app_commands.guild_only()
class Server(Feature, commands.GroupCog, group_name="server", group_description=described("server")):
    @app_commands.command(name="show", description=described("server show"))
    async def show(self, interaction: discord.Interaction) -> None:
        sender = await self.sender(interaction)

        async def work():
            self._admin(interaction, sender.locale)
            return await servers.show(self.ctx, sender, str(interaction.guild_id))

        await self.answer(interaction, work())

    @app_commands.command(name="set", description=described("server set"))
    @app_commands.describe(name=described("server set.name"), value=described("server set.value"))
    @app_commands.choices(name=NAMES)
    async def set_(self, interaction: discord.Interaction, name: str, value: str) -> None:
        sender = await self.sender(interaction)

        async def work():
            self._admin(interaction, sender.locale)
            guild = interaction.guild
            named = [r for r in re.findall(r"\d{5,}", value) if guild and guild.get_role(int(r))]
            return await servers.change(self.ctx, sender, str(interaction.guild_id), name, value, named)

        await self.answer(interaction, work())

    @staticmethod
    def _admin(interaction: discord.Interaction, locale: str | None) -> None:
        """Discord hides the group from others by default; a server may change that, we do not."""
        granted = interaction.permissions  # as Discord resolved them for this member here
        if not (granted.manage_guild or granted.administrator):
            raise Refusal("forbidden", t(locale, "server.admins_only"))
