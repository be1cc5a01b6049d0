"""/speak (the voice autocompleted from the caller's own, options as typed parameters) and /batch
(a text file, one text per line, a zip back)."""

from __future__ import annotations

import discord
from discord import app_commands
from discord.app_commands import locale_str

from bot.discord.cogs import Feature, described
from engine.speech.render import EMOTIONS, FORMATS, SAMPLE_RATES
from handlers import speech
from handlers.account import VOICE_NOTE
from handlers.errors import Refusal
from handlers.messages import catalog, t

BATCH_BYTES = 2 * 2**20  # 100 texts of 5000 characters fit
_en = catalog("en")
MOODS = [
    app_commands.Choice(name=locale_str(_en[f"emotion.{e}"], key=f"emotion.{e}"), value=e) for e in EMOTIONS
]
SHAPES = [
    app_commands.Choice(
        name=locale_str(_en["settings.voice_note"], key="settings.voice_note"), value=VOICE_NOTE
    ),
    *(app_commands.Choice(name=f.upper(), value=f) for f in FORMATS),
]
RATES = [app_commands.Choice(name=f"{r} Hz", value=r) for r in SAMPLE_RATES]


class Speech(Feature):
    @app_commands.command(name="speak", description=described("speak"))
    @app_commands.describe(
        text=described("speak.text"),
        voice=described("speak.voice"),
        speed=described("speak.speed"),
        pitch=described("speak.pitch"),
        emotion=described("speak.emotion"),
        format=described("speak.format"),
        rate=described("speak.rate"),
    )
    @app_commands.choices(emotion=MOODS, format=SHAPES, rate=RATES)
    async def speak(
        self,
        interaction: discord.Interaction,
        text: app_commands.Range[str, 1, 5000],
        voice: str | None = None,
        speed: app_commands.Range[float, 0.5, 2.0] | None = None,
        pitch: app_commands.Range[float, -12.0, 12.0] | None = None,
        emotion: str | None = None,
        format: str | None = None,
        rate: int | None = None,
    ) -> None:
        sender = await self.sender(interaction)
        given = {
            "speed": speed,
            "pitch": pitch,
            "emotion": emotion,
            "outputFormat": format,
            "sampleRate": rate,
        }

        async def work():
            server = await self.permitted(interaction, sender, "speak", spend="speak")
            queued = await speech.say_in_chat(self.ctx, sender, text, f"dc:{interaction.id}", voice, given)
            await self.spent(server, sender, "speak", queued.owner_id)
            return queued

        await self.queued(interaction, work())

    @app_commands.command(name="batch", description=described("batch"))
    @app_commands.describe(file=described("batch.file"), voice=described("speak.voice"))
    async def batch(
        self, interaction: discord.Interaction, file: discord.Attachment, voice: str | None = None
    ) -> None:
        sender = await self.sender(interaction)

        async def work():
            server = await self.permitted(interaction, sender, "speak", spend="speak")
            texts = await _lines(file, sender.locale)
            queued = await speech.batch_in_chat(self.ctx, sender, texts, f"dc:{interaction.id}", voice)
            await self.spent(server, sender, "speak", queued.owner_id)
            return queued

        await self.queued(interaction, work())

    @speak.autocomplete("voice")
    @batch.autocomplete("voice")
    async def _ready_voice(
        self, interaction: discord.Interaction, current: str
    ) -> list[app_commands.Choice[str]]:
        return await self.voices(interaction, current, ready=True)


async def _lines(file: discord.Attachment, locale: str | None) -> str:
    """The text file's contents: plain UTF-8 text of a sensible size, checked before it is read."""
    plain = (file.content_type or "text/plain").split(";")[0] == "text/plain" or file.filename.endswith(
        ".txt"
    )
    if not plain or file.size > BATCH_BYTES:
        raise Refusal("invalid_request", t(locale, "discord.batch_file", mb=BATCH_BYTES // 2**20))
    try:
        return (await file.read()).decode("utf-8-sig")
    except UnicodeDecodeError:
        raise Refusal("invalid_request", t(locale, "discord.batch_file", mb=BATCH_BYTES // 2**20)) from None
