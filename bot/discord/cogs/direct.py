"""Direct messages: a voice message or audio file is a sample, text is said in the person's voice
(as on Telegram). Server channels are not read."""

from __future__ import annotations

import logging

import discord
from discord.ext import commands

from bot.discord.cogs import Feature
from bot.discord.cogs.voices import incoming
from bot.discord.replies import said
from handlers import account, collect, speech
from handlers.chat import Sender
from handlers.errors import Refusal
from handlers.messages import unexpected

log = logging.getLogger("voicebot.discord")


class Direct(Feature):
    @commands.Cog.listener()
    async def on_message(self, message: discord.Message) -> None:
        if message.guild is not None or message.author.bot or not (message.attachments or message.content):
            return
        raw = Sender("discord", str(message.author.id), str(message.channel.id), None, private=True)
        sender = await account.resolve(self.ctx, raw)
        try:
            if message.attachments:
                given = [incoming(a) for a in message.attachments[:10]]
                reply = await collect.add_samples(self.ctx, sender, given, self.download_limit(None))
                await message.channel.send(said(reply.text, sender.locale))
            elif not message.content.startswith("/"):
                key = f"dc:{message.channel.id}:{message.id}"
                self.bot.deliveries.follow(await speech.say_in_chat(self.ctx, sender, message.content, key))
        except Refusal as exc:
            await message.channel.send(said(exc.message, sender.locale))
        except Exception as exc:
            log.exception("direct message %s failed", message.id)
            await message.channel.send(said(unexpected(sender.locale, exc), sender.locale))
