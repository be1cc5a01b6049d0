"""Builds the Discord client: app commands synced in ``setup_hook``, the handlers' context held by
the client, every button press through ``handlers.buttons``. Refusals are the reply; anything else
is logged, never shown raw."""

from __future__ import annotations

import logging
from collections.abc import Sequence

import discord
from discord import app_commands

from handlers import account, buttons, chat_manage, consent
from handlers.chat import Action, Reply, Sender
from handlers.context import Context
from handlers.errors import Refusal
from handlers.messages import t

log = logging.getLogger("voicebot.discord")
MAX_ROWS = 5  # a message holds 5 rows of at most 5 buttons; a label at most 80 characters


async def sender_of(ctx: Context, interaction: discord.Interaction) -> Sender:
    """The person and the channel behind an interaction, in the reply language they chose, if any."""
    channel = interaction.channel_id or interaction.user.id
    raw = Sender("discord", str(interaction.user.id), str(channel), str(interaction.locale))
    return await account.resolve(ctx, raw)


def view_of(reply: Reply) -> discord.ui.View | None:
    if not reply.buttons:
        return None
    rows = [list(line) for line in reply.buttons]
    if len(rows) > MAX_ROWS or any(len(line) > MAX_ROWS for line in rows):  # Discord: 5 rows of 5
        flat = [button for line in rows for button in line][: MAX_ROWS * MAX_ROWS]
        rows = [flat[i : i + MAX_ROWS] for i in range(0, len(flat), MAX_ROWS)]
    view = discord.ui.View(timeout=None)
    for row, line in enumerate(rows):
        for button in line:
            view.add_item(discord.ui.Button(label=button.label[:80], custom_id=button.action.pack(), row=row))
    return view


async def respond(interaction: discord.Interaction, replies: Reply | Sequence[Reply]) -> None:
    """The first reply answers the interaction; the others follow it."""
    for index, reply in enumerate([replies] if isinstance(replies, Reply) else replies):
        view = view_of(reply)
        extra = {"view": view} if view is not None else {}
        if index == 0 and not interaction.response.is_done():
            await interaction.response.send_message(reply.text, **extra)
        else:
            await interaction.followup.send(reply.text, **extra)


class VoiceBot(discord.Client):
    def __init__(self, ctx: Context) -> None:
        super().__init__(intents=discord.Intents.none())
        self.ctx = ctx
        self.tree = app_commands.CommandTree(self)
        self.tree.on_error = self._on_command_error
        _commands(self.tree, ctx)

    async def setup_hook(self) -> None:
        await self.tree.sync()

    async def on_interaction(self, interaction: discord.Interaction) -> None:
        """Buttons: one handler, the action parsed back and pressed."""
        if interaction.type is not discord.InteractionType.component:
            return  # app commands are the tree's
        sender = await sender_of(self.ctx, interaction)
        custom_id = (interaction.data or {}).get("custom_id")
        await respond(interaction, await buttons.press(self.ctx, sender, Action.parse(custom_id)))

    async def _on_command_error(
        self, interaction: discord.Interaction, error: app_commands.AppCommandError
    ) -> None:
        cause = getattr(error, "original", error)
        sender = await sender_of(self.ctx, interaction)
        if isinstance(cause, Refusal):
            await respond(interaction, Reply(cause.message))
            return
        log.error("command %s failed", interaction.command and interaction.command.name, exc_info=cause)
        await respond(interaction, Reply(t(sender.locale, "error.internal")))


def _commands(tree: app_commands.CommandTree, ctx: Context) -> None:
    @tree.command(name="consent", description="Consent and introduction")
    async def consent_(interaction: discord.Interaction) -> None:
        await respond(interaction, await consent.start(ctx, await sender_of(ctx, interaction)))

    @tree.command(name="revoke", description="Withdraw consent and delete your voices")
    async def revoke(interaction: discord.Interaction) -> None:
        await respond(interaction, await consent.revoke(ctx, await sender_of(ctx, interaction)))

    voice = app_commands.Group(name="voice", description="Your voices")

    @voice.command(name="list", description="Your voices (renew, delete)")
    async def voice_list(interaction: discord.Interaction) -> None:
        await respond(interaction, await chat_manage.voices(ctx, await sender_of(ctx, interaction)))

    tree.add_command(voice)

    @tree.command(name="jobs", description="Your jobs (cancel one)")
    async def jobs(interaction: discord.Interaction) -> None:
        await respond(interaction, await chat_manage.jobs(ctx, await sender_of(ctx, interaction)))

    @tree.command(name="settings", description="Language, voice, speed, pitch, reply format")
    async def settings(interaction: discord.Interaction) -> None:
        await respond(interaction, await account.show(ctx, await sender_of(ctx, interaction)))

    @tree.command(name="help", description="What I can do")
    async def help_(interaction: discord.Interaction) -> None:
        sender = await sender_of(ctx, interaction)
        await respond(interaction, Reply(t(sender.locale, "help")))
