"""/voice create, add, samples, train, status, list, delete and renew; attachments are samples."""

from __future__ import annotations

import aiohttp
import discord
from discord import app_commands
from discord.app_commands import locale_str
from discord.ext import commands

from bot.discord.cogs import Feature, described
from engine.audio.language import LANGUAGES
from engine.audio.tiers import VOICE_TYPES
from handlers import chat_manage, collect
from handlers.account import LANGUAGE_NAMES
from handlers.messages import catalog

KINDS = [
    app_commands.Choice(name=locale_str(catalog("en")[f"tier.{v}"], key=f"tier.{v}"), value=v)
    for v in VOICE_TYPES
]
SPOKEN = [app_commands.Choice(name=LANGUAGE_NAMES[code], value=code) for code in LANGUAGES]
Attachment = discord.Attachment | None


def incoming(attachment: discord.Attachment) -> collect.Incoming:
    """An attachment as the use case sees it: declared size, type and length; read only if kept."""

    async def fetch() -> bytes:
        try:
            return await attachment.read()
        except (discord.HTTPException, aiohttp.ClientError, TimeoutError) as exc:
            raise collect.DownloadFailed(str(exc)) from exc

    return collect.Incoming(
        fetch,
        attachment.size,
        None if attachment.is_voice_message() else attachment.content_type or "application/octet-stream",
        attachment.duration,
        attachment.filename,
    )


def files(*given: Attachment) -> list[collect.Incoming]:
    return [incoming(a) for a in given if a is not None]


FILES = {f"file{n}": described("voice create.file1") for n in range(1, 11)}


class Voices(Feature, commands.GroupCog, group_name="voice", group_description=described("voice")):
    @app_commands.command(name="create", description=described("voice create"))
    @app_commands.describe(
        name=described("voice create.name"),
        kind=described("voice create.kind"),
        language=described("voice create.language"),
        **FILES,
    )
    @app_commands.choices(kind=KINDS, language=SPOKEN)
    async def create(
        self,
        interaction: discord.Interaction,
        name: app_commands.Range[str, 1, 64],
        kind: str = "instant",
        language: str | None = None,
        file1: Attachment = None, file2: Attachment = None, file3: Attachment = None,
        file4: Attachment = None, file5: Attachment = None, file6: Attachment = None,
        file7: Attachment = None, file8: Attachment = None, file9: Attachment = None,
        file10: Attachment = None,
    ) -> None:  # fmt: skip
        sender = await self.sender(interaction)
        given = files(file1, file2, file3, file4, file5, file6, file7, file8, file9, file10)

        async def work():
            await self.permitted(interaction, sender, "clone")
            started = await collect.new_voice(self.ctx, sender, name, kind, language)
            if not given:
                return started
            # The files' reply ends with what comes next (the consent challenge, or a sentence).
            limit = self.download_limit(interaction)
            return await collect.add_samples(self.ctx, sender, given, limit, reading=False)

        await self.answer(interaction, work())

    @app_commands.command(name="add", description=described("voice add"))
    @app_commands.describe(**FILES)
    async def add(
        self,
        interaction: discord.Interaction,
        file1: discord.Attachment, file2: Attachment = None, file3: Attachment = None,
        file4: Attachment = None, file5: Attachment = None, file6: Attachment = None,
        file7: Attachment = None, file8: Attachment = None, file9: Attachment = None,
        file10: Attachment = None,
    ) -> None:  # fmt: skip
        sender = await self.sender(interaction)
        given = files(file1, file2, file3, file4, file5, file6, file7, file8, file9, file10)

        async def work():
            await self.permitted(interaction, sender, "clone")
            return await collect.add_samples(self.ctx, sender, given, self.download_limit(interaction))

        await self.answer(interaction, work())

    @app_commands.command(name="samples", description=described("voice samples"))
    async def samples(self, interaction: discord.Interaction) -> None:
        await self.answer(interaction, chat_manage.samples(self.ctx, await self.sender(interaction)))

    @app_commands.command(name="train", description=described("voice train"))
    async def train(self, interaction: discord.Interaction) -> None:
        sender = await self.sender(interaction)

        async def work():
            server = await self.permitted(interaction, sender, "clone", spend="train")
            queued = await collect.train(self.ctx, sender, f"dc:{interaction.id}")
            await self.spent(server, sender, "train", queued.owner_id)
            return queued

        await self.queued(interaction, work())

    @app_commands.command(name="status", description=described("voice status"))
    @app_commands.describe(voice=described("voice status.voice"))
    async def status(self, interaction: discord.Interaction, voice: str | None = None) -> None:
        await self.answer(interaction, chat_manage.status(self.ctx, await self.sender(interaction), voice))

    @app_commands.command(name="list", description=described("voice list"))
    async def list_(self, interaction: discord.Interaction) -> None:
        await self.answer(interaction, chat_manage.voices(self.ctx, await self.sender(interaction)))

    @app_commands.command(name="delete", description=described("voice delete"))
    @app_commands.describe(voice=described("voice delete.voice"))
    async def delete(self, interaction: discord.Interaction, voice: str) -> None:
        sender = await self.sender(interaction)
        await self.answer(interaction, chat_manage.delete(self.ctx, sender, voice, confirmed=False))

    @app_commands.command(name="renew", description=described("voice renew"))
    @app_commands.describe(voice=described("voice renew.voice"))
    async def renew(self, interaction: discord.Interaction, voice: str) -> None:
        await self.answer(interaction, chat_manage.renew(self.ctx, await self.sender(interaction), voice))

    @status.autocomplete("voice")
    @delete.autocomplete("voice")
    @renew.autocomplete("voice")
    async def _any_voice(
        self, interaction: discord.Interaction, current: str
    ) -> list[app_commands.Choice[str]]:
        return await self.voices(interaction, current, ready=False)
