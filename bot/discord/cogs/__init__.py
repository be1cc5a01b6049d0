"""One cog per feature, as discord.py's ``advanced_startup.py`` adds them; each gets the bot (its
handlers' context, deliveries and outlet) and only translates."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import discord
from discord import app_commands
from discord.ext import commands

from bot.discord.replies import answer, answer_queued, sender_of
from handlers import account, servers
from handlers.chat import Sender
from handlers.messages import catalog

if TYPE_CHECKING:
    from bot.discord.app import VoiceBot


def described(key: str) -> app_commands.locale_str:
    """A command's or option's description: the English one, with its catalog key for the translator."""
    return app_commands.locale_str(catalog("en")[f"discord.{key}"], key=f"discord.{key}")


class Feature(commands.Cog):
    def __init__(self, bot: VoiceBot) -> None:
        self.bot, self.ctx = bot, bot.ctx

    async def sender(self, interaction: discord.Interaction) -> Sender:
        return await sender_of(self.ctx, interaction)

    async def answer(self, interaction: discord.Interaction, work: Any, private: bool = True) -> None:
        await answer(self.ctx, interaction, work, private)

    async def queued(self, interaction: discord.Interaction, work: Any) -> None:
        await answer_queued(self.ctx, interaction, work, self.bot.deliveries, self.bot.outlet)

    async def permitted(
        self, interaction: discord.Interaction, sender: Sender, use: str, spend: str | None = None
    ) -> str | None:
        """In a server: its rules for ``use`` (clone, speak, voice) and, with ``spend``, its daily
        quota; refused with a reply. The server's id, or None in a DM."""
        if interaction.guild_id is None:
            return None
        roles = [str(role.id) for role in getattr(interaction.user, "roles", [])]
        await servers.allowed(self.ctx, sender, str(interaction.guild_id), use, roles, spend)
        return str(interaction.guild_id)

    async def spent(self, server_id: str | None, sender: Sender, kind: str, owner_id: int) -> None:
        if server_id is not None:
            await servers.counted(self.ctx, sender, server_id, kind, owner_id)

    def download_limit(self, interaction: discord.Interaction | None) -> int:
        """Bytes an upload may have: ours, and the server's own limit when it is lower."""
        ours = self.bot.download_limit
        return min(ours, interaction.filesize_limit) if interaction is not None else ours

    async def voices(
        self, interaction: discord.Interaction, typed: str, ready: bool
    ) -> list[app_commands.Choice[str]]:
        """Autocomplete: the caller's own voices only."""
        found = await account.voice_choices(self.ctx, await self.sender(interaction), typed, ready)
        return [app_commands.Choice(name=name[:100], value=voice_id) for name, voice_id in found[:25]]
