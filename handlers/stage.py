"""One server's voice channel: lines said one after another, skipped, stopped, and the channel left
when nothing has been said for a while. Platform-neutral: the adapter gives a ``Speaker``."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol

from handlers.context import Context
from handlers.live import LiveStream

log = logging.getLogger("voicebot.stage")


class Speaker(Protocol):
    async def play(self, stream: LiveStream) -> None:
        """Until the stream has ended or ``interrupt`` was called."""

    def interrupt(self) -> None: ...

    async def leave(self) -> None: ...


@dataclass(frozen=True, slots=True)
class Line:
    owner_id: int
    job_id: str


class Stage:
    def __init__(
        self, ctx: Context, speaker: Speaker, idle_s: float, closed: Callable[[], None] = lambda: None
    ) -> None:
        self.ctx, self.speaker, self.idle_s, self._closed = ctx, speaker, idle_s, closed
        self._lines: asyncio.Queue[Line] = asyncio.Queue()
        self.current: LiveStream | None = None
        self._task = asyncio.create_task(self._run())

    def add(self, line: Line) -> int:
        """Queue a line; its place (0: said next)."""
        self._lines.put_nowait(line)
        return self._lines.qsize() - 1 + (self.current is not None)

    async def skip(self) -> bool:
        """Stop the line being said (its job cancelled); False if nothing was being said."""
        current = self.current
        if current is None:
            return False
        await self._cancel(current.owner_id, current.job_id)
        current.end()
        self.speaker.interrupt()
        return True

    async def stop(self) -> int:
        """Drop every waiting line and the one being said; how many went."""
        dropped = 0
        while not self._lines.empty():
            line = self._lines.get_nowait()
            await self._cancel(line.owner_id, line.job_id)
            dropped += 1
        return dropped + await self.skip()

    async def close(self, leave: bool = True) -> None:
        """Everything dropped, the channel left (``leave``: not when Discord already took us out)."""
        await self.stop()
        self._task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await self._task
        if leave:
            await self.speaker.leave()

    async def _cancel(self, owner_id: int, job_id: str) -> None:
        with contextlib.suppress(Exception):  # finished already
            await self.ctx.engine.cancel(owner_id, job_id)

    async def _run(self) -> None:
        try:
            while True:
                try:
                    line = await asyncio.wait_for(self._lines.get(), self.idle_s)
                except TimeoutError:
                    await self.speaker.leave()  # idle: the channel is left, the stage ends
                    return
                stream = LiveStream(self.ctx, line.owner_id, line.job_id)
                self.current = stream
                feeding = asyncio.create_task(stream.feed())
                try:
                    await stream.ready.wait()  # playback starts with the first sentence, not silence
                    if not stream.empty:
                        await self.speaker.play(stream)
                except Exception:
                    log.exception("playing %s failed", line.job_id)
                finally:
                    self.current = None
                    stream.end()
                    feeding.cancel()
                    with contextlib.suppress(asyncio.CancelledError):
                        await feeding
        finally:
            self._closed()
