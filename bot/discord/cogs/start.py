"""/consent, /revoke, /help (the consent buttons: ``VoiceBot.on_interaction``), /link, /unlink,
/forgetme, /mydata, /usage, /apikey, /verify."""

from __future__ import annotations

import discord
from discord import app_commands

from bot.discord.cogs import Feature, described
from bot.discord.cogs.voices import incoming
from bot.discord.replies import command
from handlers import apikeys, consent, link, privacy, provenance, receipts
from handlers.chat import Reply
from handlers.messages import t


class Start(Feature):
    @app_commands.command(name="consent", description=described("consent"))
    async def consent_(self, interaction: discord.Interaction) -> None:
        await self.answer(interaction, consent.start(self.ctx, await self.sender(interaction)))

    @app_commands.command(name="revoke", description=described("revoke"))
    async def revoke(self, interaction: discord.Interaction) -> None:
        await self.answer(interaction, consent.revoke(self.ctx, await self.sender(interaction)))

    @app_commands.command(name="link", description=described("link"))
    @app_commands.describe(code=described("link.code"))
    async def link_(self, interaction: discord.Interaction, code: str | None = None) -> None:
        await self.answer(interaction, link.typed(self.ctx, await self.sender(interaction), code or ""))

    @app_commands.command(name="unlink", description=described("unlink"))
    async def unlink(self, interaction: discord.Interaction) -> None:
        await self.answer(interaction, link.unlink(self.ctx, await self.sender(interaction)))

    @app_commands.command(name="forgetme", description=described("forgetme"))
    async def forget_me(self, interaction: discord.Interaction) -> None:
        sender = await self.sender(interaction)
        await self.answer(interaction, privacy.forget_in_chat(self.ctx, sender, confirmed=False))

    @app_commands.command(name="mydata", description=described("mydata"))
    async def my_data(self, interaction: discord.Interaction) -> None:
        """The zip goes only to the person (privately in a server) and is removed once sent."""
        async with privacy.my_data(self.ctx, await self.sender(interaction)) as reply:
            await self.answer(interaction, reply)

    @app_commands.command(name="usage", description=described("usage"))
    async def usage(self, interaction: discord.Interaction) -> None:
        await self.answer(interaction, receipts.usage(self.ctx, await self.sender(interaction)))

    @app_commands.command(name="apikey", description=described("apikey"))
    @app_commands.describe(what=described("apikey.what"))
    async def apikey(self, interaction: discord.Interaction, what: str | None = None) -> None:
        """Answered ephemerally: the key is seen by the person alone."""
        await self.answer(interaction, apikeys.in_chat(self.ctx, await self.sender(interaction), what or ""))

    @app_commands.command(name="verify", description=described("verify"))
    @app_commands.describe(file=described("verify.file"))
    async def verify(self, interaction: discord.Interaction, file: discord.Attachment) -> None:
        sender = await self.sender(interaction)
        limit = self.download_limit(interaction)
        await self.answer(interaction, provenance.verify_in_chat(self.ctx, sender, incoming(file), limit))

    @app_commands.command(name="help", description=described("help"))
    async def help_(self, interaction: discord.Interaction) -> None:
        sender = await self.sender(interaction)
        await self.answer(interaction, self._help(sender.locale, str(interaction.locale)))

    async def _help(self, locale: str | None, shown: str) -> Reply:
        """Every command (named as the person's Discord shows it) with its description in their
        language, from the same catalog."""
        lines = [
            f"{command(each.qualified_name, shown)} – {t(locale, f'discord.{each.qualified_name}')}"
            for each in self.bot.tree.walk_commands()
            if isinstance(each, app_commands.Command)
        ]
        return Reply("\n".join([*lines, "", t(locale, "discord.help_end")]))
