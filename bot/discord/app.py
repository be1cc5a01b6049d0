"""Builds the Discord bot (discord.py's ``advanced_startup.py`` shape): one cog per feature, app
commands synced in ``setup_hook`` with their descriptions in every catalog language, every button
press through ``handlers.buttons``, deliveries resumed after a restart."""

from __future__ import annotations

import logging

import discord
from discord import app_commands
from discord.ext import commands

from bot.config import DiscordConfig
from bot.discord.cogs.channel import Channel
from bot.discord.cogs.direct import Direct
from bot.discord.cogs.manage import Manage
from bot.discord.cogs.server import Server
from bot.discord.cogs.speech import Speech
from bot.discord.cogs.start import Start
from bot.discord.cogs.voices import Voices
from bot.discord.follow import DiscordOutlet
from bot.discord.replies import answer, sender_of
from bot.discord.translate import CatalogTranslator
from handlers import buttons
from handlers.chat import Action, Reply
from handlers.context import Context
from handlers.delivery import Deliveries
from handlers.messages import t
from handlers.notices import Notices

log = logging.getLogger("voicebot.discord")
FEATURES = (Start, Voices, Speech, Manage, Channel, Server, Direct)


class VoiceBot(commands.Bot):
    def __init__(self, ctx: Context, settings: DiscordConfig | None = None) -> None:
        settings = settings or DiscordConfig()
        intents = discord.Intents.none()
        intents.guilds = True
        intents.dm_messages = True  # voice messages and text sent to the bot in private
        intents.voice_states = True  # who is in which voice channel (the bot itself included)
        # Speak for me reads the server's chosen channel: the privileged message content intent
        # (switched on for the bot in Discord's developer portal).
        intents.guild_messages = True
        intents.message_content = True
        super().__init__(command_prefix=commands.when_mentioned, intents=intents, help_command=None)
        self.ctx = ctx
        self.download_limit = settings.download_limit_mb * 2**20
        self.idle_leave_s = settings.idle_leave_s
        self.outlet = DiscordOutlet(self, settings.upload_limit_mb * 2**20)
        self.deliveries = Deliveries(self.outlet, ctx, settings.progress_edit_s)
        self.notices = Notices(self.outlet, ctx, settings.notices_every_s)
        self.tree.on_error = self._on_command_error

    async def setup_hook(self) -> None:
        await self.tree.set_translator(CatalogTranslator())
        for feature in FEATURES:
            await self.add_cog(feature(self))
        await self.tree.sync()
        resumed = await self.deliveries.resume()
        if resumed:
            log.info("delivering %d results that were not delivered before the restart", resumed)
        self.notices.start()  # reminders and use alerts, by DM

    async def close(self) -> None:
        await self.notices.close()
        await self.deliveries.close()
        await super().close()

    async def on_message(self, message: discord.Message) -> None:
        """No prefix commands here (a mention with text would only log "command not found"): DMs
        and speak-for-me are the cogs' listeners."""

    async def on_interaction(self, interaction: discord.Interaction) -> None:
        """Buttons: one handler, the action parsed back and pressed."""
        if interaction.type is not discord.InteractionType.component:
            return  # app commands are the tree's
        sender = await sender_of(self.ctx, interaction)
        action = Action.parse((interaction.data or {}).get("custom_id"))
        await answer(self.ctx, interaction, buttons.press(self.ctx, sender, action))

    async def _on_command_error(
        self, interaction: discord.Interaction, error: app_commands.AppCommandError
    ) -> None:
        """What ``replies.answer`` does not see: a check or a conversion that failed."""
        log.error("command %s failed", interaction.command and interaction.command.name, exc_info=error)
        sender = await sender_of(self.ctx, interaction)

        try:
            await answer(self.ctx, interaction, Reply(t(sender.locale, "error.internal")))
        except Exception:  # the connection itself is gone (closing): nothing more to say
            log.warning("could not answer interaction %s", interaction.id, exc_info=True)


async def run(ctx: Context, settings: DiscordConfig, token: str) -> None:
    """``voicebot run``: connected to the gateway until cancelled."""
    async with VoiceBot(ctx, settings) as client:
        await client.start(token)
