"""A voice channel as a ``handlers.stage.Speaker``: discord.py's voice client playing a live stream
as Opus (so no libopus is needed here: discord.py sends the packets as they are)."""

from __future__ import annotations

import asyncio

import discord

from handlers.live import LiveStream


class OpusSource(discord.AudioSource):
    def __init__(self, stream: LiveStream) -> None:
        self.stream = stream

    def read(self) -> bytes:
        return self.stream.read()

    def is_opus(self) -> bool:
        return True


class ChannelSpeaker:
    def __init__(self, client: discord.VoiceClient) -> None:
        self.client = client

    async def play(self, stream: LiveStream) -> None:
        loop = asyncio.get_running_loop()
        done: asyncio.Future[None] = loop.create_future()

        def after(error: Exception | None) -> None:  # the player's thread
            loop.call_soon_threadsafe(lambda: done.done() or done.set_result(None))

        if not self.client.is_connected():
            return
        self.client.play(OpusSource(stream), after=after)
        await done

    def interrupt(self) -> None:
        self.client.stop()

    async def leave(self) -> None:
        await self.client.disconnect(force=True)
