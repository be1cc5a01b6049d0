"""/say in the caller's voice channel, /skip, /stop, /leave: one stage per server. The bot's idea of
where it is follows Discord's own voice state (moved or disconnected: the queue is dropped), and it
leaves when idle or alone."""

from __future__ import annotations

import discord
from discord import app_commands
from discord.ext import commands

from bot.discord.cogs import Feature, described
from bot.discord.voice import ChannelSpeaker
from handlers import account, servers, speech
from handlers.chat import Reply, Sender
from handlers.errors import Refusal
from handlers.messages import t
from handlers.stage import Line, Stage


class Channel(Feature):
    def __init__(self, bot) -> None:
        super().__init__(bot)
        self.stages: dict[int, Stage] = {}  # guild id -> its stage, while the bot is in a channel there

    async def cog_unload(self) -> None:
        for stage in list(self.stages.values()):
            await stage.close()

    @app_commands.command(name="say", description=described("say"))
    @app_commands.describe(text=described("say.text"), voice=described("speak.voice"))
    @app_commands.guild_only()
    async def say(
        self,
        interaction: discord.Interaction,
        text: app_commands.Range[str, 1, 2000],
        voice: str | None = None,
    ) -> None:
        sender = await self.sender(interaction)

        async def work() -> Reply:
            await self.permitted(interaction, sender, "voice")
            server = await self.permitted(interaction, sender, "speak", spend="speak")
            channel = _callers_channel(interaction, sender.locale)
            stage = await self._stage(interaction.guild, channel, sender.locale)
            queued = await speech.say_live(self.ctx, sender, text, voice, f"dc:{interaction.id}")
            await self.spent(server, sender, "speak", queued.owner_id)
            place = stage.add(Line(queued.owner_id, queued.job_id))
            return Reply(t(sender.locale, "voice.queued", channel=channel.name, position=place))

        await self.answer(interaction, work(), private=False)

    @say.autocomplete("voice")
    async def _ready_voice(
        self, interaction: discord.Interaction, current: str
    ) -> list[app_commands.Choice[str]]:
        return await self.voices(interaction, current, ready=True)

    @app_commands.command(name="skip", description=described("skip"))
    @app_commands.guild_only()
    async def skip(self, interaction: discord.Interaction) -> None:
        await self._control(interaction, "skip")

    @app_commands.command(name="stop", description=described("stop"))
    @app_commands.guild_only()
    async def stop(self, interaction: discord.Interaction) -> None:
        await self._control(interaction, "stop")

    @app_commands.command(name="leave", description=described("leave"))
    @app_commands.guild_only()
    async def leave(self, interaction: discord.Interaction) -> None:
        await self._control(interaction, "leave")

    async def _control(self, interaction: discord.Interaction, what: str) -> None:
        sender = await self.sender(interaction)

        async def work() -> Reply:
            stage = self.stages.get(interaction.guild_id or 0)
            if stage is None:
                raise Refusal("not_found", t(sender.locale, "voice.not_here"))
            if what == "skip":
                await stage.skip()
            elif what == "stop":
                await stage.stop()
            else:
                await stage.close()
            return Reply(t(sender.locale, f"voice.{what}"))

        await self.answer(interaction, work(), private=False)

    async def _stage(self, guild: discord.Guild, channel: discord.VoiceChannel, locale: str | None) -> Stage:
        """The server's stage in ``channel``: joined if the bot is in no channel there; refused if it
        is speaking in another one."""
        client = guild.voice_client
        if client is not None and client.channel.id != channel.id:
            raise Refusal("busy", t(locale, "voice.elsewhere", channel=client.channel.name))
        stage = self.stages.get(guild.id)
        if stage is None or client is None or not client.is_connected():
            if stage is not None:
                await stage.close(leave=False)
            voice = client if client is not None else await channel.connect(self_deaf=True, timeout=30)
            stage = Stage(
                self.ctx,
                ChannelSpeaker(voice),
                self.bot.idle_leave_s,
                lambda: self.stages.pop(guild.id, None),
            )
            self.stages[guild.id] = stage
        return stage

    @commands.Cog.listener()
    async def on_voice_state_update(
        self, member: discord.Member, before: discord.VoiceState, after: discord.VoiceState
    ) -> None:
        stage = self.stages.get(member.guild.id)
        if stage is None:
            return
        if member.id == self.bot.user.id:
            if after.channel is None:  # disconnected by someone else: nothing left to say
                await stage.close(leave=False)
            elif before.channel is not None and before.channel.id != after.channel.id:
                await stage.stop()  # moved: what was queued was for the other channel
            return
        client = member.guild.voice_client
        if client is not None and before.channel is not None and before.channel.id == client.channel.id:
            if not any(not m.bot for m in client.channel.members):
                await stage.close()  # alone

    @commands.Cog.listener()
    async def on_message(self, message: discord.Message) -> None:
        """Speak for me: a member's message in the server's speak-for-me channel, while they are in
        a voice channel, said there in their own voice (``handlers.servers.speak_for`` decides)."""
        if message.guild is None or message.author.bot or not message.content:
            return
        rules = await servers.settings(self.ctx, "discord", str(message.guild.id))
        where = rules["speakChannel"]
        state = getattr(message.author, "voice", None)
        if where == "off" or state is None or state.channel is None:
            return
        if message.channel.id != (state.channel.id if where == "voice" else int(where)):
            return
        author = await account.resolve(
            self.ctx, Sender("discord", str(message.author.id), str(message.channel.id))
        )
        roles = [str(role.id) for role in getattr(message.author, "roles", [])]
        key = f"dc:{message.channel.id}:{message.id}"
        queued = await servers.speak_for(
            self.ctx, author, str(message.guild.id), message.clean_content, roles, key, rules
        )
        if queued is None:
            return
        try:
            stage = await self._stage(message.guild, state.channel, author.locale)
        except Refusal:  # speaking in another channel of this server
            await self.ctx.engine.cancel(queued.owner_id, queued.job_id)
            return
        stage.add(Line(queued.owner_id, queued.job_id))

    @commands.Cog.listener()
    async def on_guild_remove(self, guild: discord.Guild) -> None:
        """Removed from a server: its stage ends and its settings and usage go."""
        stage = self.stages.get(guild.id)
        if stage is not None:
            await stage.close(leave=False)
        await servers.forget(self.ctx, "discord", str(guild.id))


def _callers_channel(interaction: discord.Interaction, locale: str | None) -> discord.VoiceChannel:
    state = getattr(interaction.user, "voice", None)
    if state is None or state.channel is None:
        raise Refusal("not_in_voice", t(locale, "voice.not_in_voice"))
    return state.channel
