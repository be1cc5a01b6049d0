"""Every Bot API call goes through ``Outbox`` (a session middleware), so no call site can forget it:

- pacing: messages to one chat stay under Telegram's limits (about 1 per second in a private chat,
  20 per minute in a group, 30 per second in all), with short bursts allowed — token buckets, FIFO
  per chat so replies keep their order;
- two lanes: calls made under ``later()`` (progress edits) go only when no reply waits, in the chat
  and in the bot's 30 a second, so a command's answer never queues behind other people's progress;
- flood control: a 429 (``TelegramRetryAfter``) is waited out and the call retried, bounded;
- a server error (5xx) or a dropped connection is tried again after 1, 2, 4, 8 s (Telegram's
  advice for 5xx); long polling has its own backoff and is left to it.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections import defaultdict
from collections.abc import Iterator
from contextvars import ContextVar
from typing import Any

from aiogram.client.session.middlewares.base import BaseRequestMiddleware
from aiogram.exceptions import TelegramNetworkError, TelegramRetryAfter, TelegramServerError

log = logging.getLogger("voicebot.telegram")
MAX_TRIES = 5
MAX_WAIT_S = 60.0
BACKOFF_S = 1.0  # the first wait after a server error; doubled each try
PACED = {
    "sendMessage",
    "sendVoice",
    "sendAudio",
    "sendDocument",
    "editMessageText",
    "editMessageReplyMarkup",
}
_later: ContextVar[bool] = ContextVar("telegram_later", default=False)


@contextlib.contextmanager
def later() -> Iterator[None]:
    """Bot API calls made inside give way to every other call waiting for the same budget."""
    token = _later.set(True)
    try:
        yield
    finally:
        _later.reset(token)


class Bucket:
    """``rate`` per second, up to ``burst`` at once; ``take`` waits its turn (FIFO), and a ``low``
    take waits until no other take is waiting."""

    def __init__(self, rate: float, burst: float) -> None:
        self.rate, self.burst = rate, burst
        self.tokens, self.at = burst, time.monotonic()
        self.lock = asyncio.Lock()
        self.low_lock = asyncio.Lock()  # low takes queue among themselves, FIFO too
        self.waiting = 0  # takes not low, waiting or taking
        self.at_once = 0  # takes that did not wait (for tests: a burst is not held back)

    def _refill(self) -> None:
        now = time.monotonic()
        self.tokens = min(self.burst, self.tokens + (now - self.at) * self.rate)
        self.at = now

    async def take(self, low: bool = False) -> None:
        if low:
            async with self.low_lock:
                while True:
                    self._refill()
                    if self.tokens >= 1 and not self.waiting:  # no await between check and take
                        self.tokens -= 1
                        return
                    await asyncio.sleep(max(1 - self.tokens, 0.5) / self.rate)
        self.waiting += 1
        try:
            async with self.lock:
                self._refill()
                self.at_once += self.tokens >= 1
                while self.tokens < 1:
                    await asyncio.sleep((1 - self.tokens) / self.rate)
                    self._refill()
                self.tokens -= 1
        finally:
            self.waiting -= 1

    @property
    def idle(self) -> bool:
        self._refill()
        return self.tokens >= self.burst and not self.lock.locked() and not self.low_lock.locked()


class Outbox(BaseRequestMiddleware):
    def __init__(
        self,
        chat_per_s: float = 1.0,
        group_per_s: float = 20 / 60,
        total_per_s: float = 30.0,
        burst: int = 3,
    ) -> None:
        self._total = Bucket(total_per_s, total_per_s)
        self._chats: dict[Any, Bucket] = {}
        self._rates = {"private": chat_per_s, "group": group_per_s}
        self._burst = burst
        self.waits: defaultdict[str, int] = defaultdict(int)  # 429s waited out, by method (for logs/tests)
        self.server_errors: defaultdict[str, int] = defaultdict(int)  # 5xx and dropped calls retried

    def _bucket(self, chat_id: Any) -> Bucket:
        if chat_id not in self._chats:
            if len(self._chats) > 10_000:  # forget chats that have been quiet long enough to be full
                self._chats = {k: b for k, b in self._chats.items() if not b.idle}
            group = isinstance(chat_id, str) or int(chat_id) < 0  # "@channel" or a group's negative id
            self._chats[chat_id] = Bucket(self._rates["group" if group else "private"], self._burst)
        return self._chats[chat_id]

    async def __call__(self, make_request: Any, bot: Any, method: Any) -> Any:
        name = method.__api_method__
        chat_id = getattr(method, "chat_id", None)
        if name in PACED and chat_id is not None:
            low = _later.get()
            await self._bucket(chat_id).take(low)
            await self._total.take(low)
        for attempt in range(1, MAX_TRIES + 1):
            try:
                return await make_request(bot, method)
            except TelegramRetryAfter as exc:
                if attempt == MAX_TRIES or exc.retry_after > MAX_WAIT_S:
                    raise
                self.waits[name] += 1
                log.info("flood control on %s: waiting %s s before trying again", name, exc.retry_after)
                await asyncio.sleep(exc.retry_after)
            except (TelegramServerError, TelegramNetworkError) as exc:
                if attempt == MAX_TRIES or name == "getUpdates":
                    raise
                self.server_errors[name] += 1
                wait = BACKOFF_S * 2 ** (attempt - 1)
                log.warning("%s failed (%s): trying again in %s s", name, type(exc).__name__, wait)
                await asyncio.sleep(wait)
        raise AssertionError("unreachable")
