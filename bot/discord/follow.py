"""The Discord ``Outlet`` for ``handlers.delivery``: how a job's outcome is sent.

Through the interaction that queued the job while its token lasts (15 minutes), then as a message in
its channel, then in a DM. Speech in OGG/Opus is a real voice message (flag, ``duration_secs``,
``waveform``): Discord drops that flag on interaction followups, so it goes as a channel message.
A file over the upload limit is sent smaller (OGG/Opus) or refused in words.
"""

from __future__ import annotations

import asyncio
import base64
import contextlib
import datetime
import io
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import discord
from discord.http import handle_message_parameters

from bot.discord.replies import over_limit, said, view_of
from engine.audio.decode import Limits, decode_file
from engine.audio.measure import waveform
from engine.speech import provenance
from engine.speech.render import SpeechOptions, render
from handlers.chat import Reply
from handlers.delivery import Target, Undeliverable

TOKEN_LIFE = datetime.timedelta(minutes=14)  # Discord's is 15; a margin for a slow upload
VOICE_RATE = 48000


class VoiceNote(discord.File):
    """An attachment that Discord shows as a voice message."""

    def __init__(self, data: bytes, seconds: float, wave: bytes) -> None:
        super().__init__(io.BytesIO(data), filename="voice-message.ogg")
        self.seconds, self.wave = seconds, wave

    def to_dict(self, index: int) -> dict[str, Any]:
        return super().to_dict(index) | {
            "duration_secs": round(self.seconds, 2),
            "waveform": base64.b64encode(self.wave).decode(),
        }


def _voice_note(path: Path) -> VoiceNote:
    data = path.read_bytes()
    decoded = decode_file(path, VOICE_RATE, Limits(max_bytes=max(len(data), 1)))
    seconds = len(decoded.samples) / VOICE_RATE
    return VoiceNote(data, seconds, waveform(decoded.samples, VOICE_RATE))


def _smaller(path: Path) -> bytes:
    """The same speech as OGG/Opus (about 48 kbit/s), its provenance marking kept: what a WAV or
    FLAC too large to upload becomes."""
    decoded = decode_file(path, VOICE_RATE, Limits(max_bytes=path.stat().st_size))
    options = SpeechOptions(output_format="ogg", sample_rate=48000)
    return render(decoded.samples, VOICE_RATE, options, True, provenance.read(path) or None)


class DiscordOutlet:
    platform = "discord"

    def __init__(self, client: discord.Client, upload_limit: int) -> None:
        self.client, self.upload_limit = client, upload_limit
        self._asked: dict[str, discord.Interaction] = {}  # job id -> the interaction that queued it

    def asked(self, job_id: str, interaction: discord.Interaction) -> None:
        """Remember the interaction that queued a job (lapsed ones are forgotten here)."""
        cutoff = discord.utils.utcnow() - TOKEN_LIFE
        self._asked = {k: v for k, v in self._asked.items() if v.created_at > cutoff}
        self._asked[job_id] = interaction

    def _interaction(self, to: Target) -> discord.Interaction | None:
        """The interaction behind the job while its token is still good."""
        interaction = self._asked.get(to.job_id)
        if interaction is None or discord.utils.utcnow() - interaction.created_at > TOKEN_LIFE:
            self._asked.pop(to.job_id, None)
            return None
        return interaction

    def _limit(self, to: Target) -> int:
        interaction = self._asked.get(to.job_id)
        return min(self.upload_limit, interaction.filesize_limit) if interaction else self.upload_limit

    async def send_text(self, to: Target, text: str) -> Any:
        return await self._send(to, lambda where: where.send(said(text, to.locale)))

    async def send_notice(self, to: Target, reply: Reply) -> None:
        dm = await self._dm_id(to)
        if dm is None:
            raise Undeliverable(f"no DM with discord user {to.user}")
        view = view_of(reply)
        try:
            await self.client.get_partial_messageable(int(dm)).send(
                said(reply.text, to.locale), **({"view": view} if view else {})
            )
        except (discord.Forbidden, discord.NotFound) as exc:
            raise Undeliverable(f"discord user {to.user} takes no DMs") from exc

    async def edit_text(self, to: Target, message: Any, text: str) -> None:
        """``message``: the interaction whose answer shows the progress (editable while its token lasts)."""
        with contextlib.suppress(discord.HTTPException):
            if isinstance(message, discord.Interaction):
                await message.edit_original_response(content=said(text, to.locale))
            elif message is not None:
                await message.edit(content=said(text, to.locale))

    async def send_audio(self, to: Target, path: Path, send_as: str, audio_format: str, seconds: int) -> None:
        size = await asyncio.to_thread(lambda: path.stat().st_size)
        if send_as == "voice" and size <= self._limit(to):
            note = await asyncio.to_thread(_voice_note, path)
            if await self._voice_message(to, note):
                self._asked.pop(to.job_id, None)
                return
        data, name = await asyncio.to_thread(path.read_bytes), f"speech.{audio_format}"
        if len(data) > self._limit(to) and audio_format != "ogg":
            data, name = await asyncio.to_thread(_smaller, path), "speech.ogg"
        await self._upload(to, data, name, "")

    async def send_file(self, to: Target, path: Path, filename: str, caption: str) -> None:
        await self._upload(to, await asyncio.to_thread(path.read_bytes), filename, caption)

    def working(self, to: Target, speech: bool) -> contextlib.AbstractAsyncContextManager[Any]:
        return contextlib.nullcontext()  # the interaction's answer says it is being made

    async def _upload(self, to: Target, data: bytes, filename: str, caption: str) -> None:
        refused = over_limit(len(data), self._limit(to), to.locale, "discord.too_large")
        if refused is not None:
            await self.send_text(to, refused)
            return

        def upload(where: Any) -> Awaitable[Any]:
            return where.send(said(caption, to.locale) or None, file=discord.File(io.BytesIO(data), filename))

        await self._send(to, upload)

    async def _voice_message(self, to: Target, note: VoiceNote) -> bool:
        """Posted as a channel message (then a DM); False when neither would take it."""
        flags = discord.MessageFlags()
        flags.voice = True
        for place in ("channel", "dm"):
            channel = to.chat if place == "channel" else await self._dm_id(to)  # a DM only if needed
            if channel is None:
                continue
            note.reset()
            with handle_message_parameters(file=note, flags=flags) as params:
                try:
                    await self.client.http.send_message(int(channel), params=params)
                    return True
                except (discord.Forbidden, discord.NotFound):
                    continue
        return False

    async def _dm_id(self, to: Target) -> str | None:
        if to.user is None:
            return None
        with contextlib.suppress(discord.HTTPException):
            return str((await self.client.create_dm(discord.Object(int(to.user)))).id)
        return None

    async def _send(self, to: Target, send: Callable[[Any], Awaitable[Any]]) -> Any:
        """Through the interaction, else the channel, else a DM; ``Undeliverable`` if none takes it."""
        interaction = self._interaction(to)
        if interaction is not None:
            with contextlib.suppress(discord.HTTPException):  # the token may have lapsed early
                return await send(_Followup(interaction))
        with contextlib.suppress(discord.Forbidden, discord.NotFound):
            return await send(self.client.get_partial_messageable(int(to.chat)))
        dm = await self._dm_id(to)
        if dm is not None:
            with contextlib.suppress(discord.Forbidden, discord.NotFound):
                return await send(self.client.get_partial_messageable(int(dm)))
        raise Undeliverable(f"discord channel {to.chat} and the person's DMs take no messages")


class _Followup:
    """An interaction's followups with a channel's ``send``."""

    def __init__(self, interaction: discord.Interaction) -> None:
        self.interaction = interaction

    async def send(self, content: str | None, **kwargs: Any) -> Any:
        return await self.interaction.followup.send(content or discord.utils.MISSING, wait=True, **kwargs)
