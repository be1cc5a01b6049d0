"""Live speech for a voice channel: a live job (the queue's highest priority) whose sentences become
Opus packets as the worker publishes them, read 20 ms at a time by the platform's player thread.

Playback starts with the first sentence; a gap before the next one is filled with silence, never
taken for the end, which comes only with the job's terminal event.
"""

from __future__ import annotations

import asyncio
import logging
import queue
import threading
from collections.abc import AsyncIterator

import numpy as np
import soundfile

from engine.audio.opus import SILENCE, OpusPackets
from handlers.context import Context
from handlers.errors import Refusal

log = logging.getLogger("voicebot.live")


def _chunk(path: str) -> tuple[np.ndarray, int]:
    audio, rate = soundfile.read(path, dtype="float32", always_2d=False)
    return (audio if audio.ndim == 1 else audio.mean(axis=1)), rate


async def sentences(ctx: Context, owner_id: int, job_id: str) -> AsyncIterator[tuple[np.ndarray, int]]:
    """A speech job's audio, sentence by sentence as the worker makes it, each once (a retried job
    repeats its chunks); a job that fails or is cancelled raises its ``Refusal``."""
    heard: set[int] = set()
    async for event in ctx.engine.watch(owner_id, job_id):
        if event.type == "chunk" and event.data["index"] not in heard:
            heard.add(event.data["index"])
            yield await asyncio.to_thread(_chunk, event.data["path"])
        elif event.type in ("failed", "cancelled"):
            code, message = event.data.get("code"), event.data.get("message")
            raise Refusal(code or event.type, message or f"The speech was {event.type}.")


class LiveStream:
    def __init__(self, ctx: Context, owner_id: int, job_id: str) -> None:
        self.ctx, self.owner_id, self.job_id = ctx, owner_id, job_id
        self._packets: queue.SimpleQueue[bytes] = queue.SimpleQueue()
        self._ended = threading.Event()
        self.ready = asyncio.Event()  # the first packet is there (or the stream ended without one)

    async def feed(self) -> None:
        """Run in the bot's loop while the stream plays: chunks in, packets out."""
        encoder = OpusPackets()
        try:
            async for audio, rate in sentences(self.ctx, self.owner_id, self.job_id):
                for packet in await asyncio.to_thread(encoder.feed, audio, rate):
                    self._packets.put(packet)
                self.ready.set()
            for packet in await asyncio.to_thread(encoder.finish):
                self._packets.put(packet)
        except Refusal as exc:  # the job failed or was stopped: its line ends
            log.info("live speech %s ended: %s", self.job_id, exc.code)
        except Exception:  # a broken stream ends its line, never the channel
            log.exception("live speech %s failed", self.job_id)
        finally:
            self._ended.set()
            self.ready.set()

    @property
    def empty(self) -> bool:
        return self._packets.empty()

    def read(self) -> bytes:
        """The next 20 ms (player thread): a packet, silence while waiting, b"" at the end."""
        try:
            return self._packets.get_nowait()
        except queue.Empty:
            if self._ended.is_set() and self._packets.empty():
                return b""
            return SILENCE  # the next sentence is still being made

    def end(self) -> None:
        """Stop now (skipped): what is left is dropped."""
        self._ended.set()
        self.ready.set()
        while not self._packets.empty():
            self._packets.get_nowait()
