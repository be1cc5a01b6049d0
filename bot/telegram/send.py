"""Flood control: Telegram's 429 is waited out and the call retried (bounded), so no reply is lost."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

from aiogram.exceptions import TelegramRetryAfter

log = logging.getLogger("voicebot.telegram")
T = TypeVar("T")
MAX_TRIES = 5
MAX_WAIT_S = 60.0


async def retrying(call: Callable[..., Awaitable[T]], *args: Any, **kwargs: Any) -> T:
    for attempt in range(1, MAX_TRIES + 1):
        try:
            return await call(*args, **kwargs)
        except TelegramRetryAfter as exc:
            if attempt == MAX_TRIES or exc.retry_after > MAX_WAIT_S:
                raise
            log.info("flood control: waiting %s s before trying again", exc.retry_after)
            await asyncio.sleep(exc.retry_after)
    raise AssertionError("unreachable")
