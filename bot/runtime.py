"""One runtime for ``voicebot run`` and ``voicebot worker``: a set of named services under one task
group, stopped in order.

A service is ``async fn(stop: asyncio.Event)`` that returns once ``stop`` is set. SIGTERM or SIGINT
sets it; so does a service that fails (logged), so the others still stop cleanly: the worker hands
its running jobs back to the queue with their checkpoints, the bots stop polling, the scheduler
stops scheduling.
"""

from __future__ import annotations

import asyncio
import logging
import signal
from collections.abc import Awaitable, Callable, Coroutine
from typing import Any

log = logging.getLogger("voicebot.runtime")
Service = Callable[[asyncio.Event], Awaitable[None]]


async def run_services(services: dict[str, Service], stop: asyncio.Event | None = None) -> list[str]:
    """Run every service until ``stop``; returns the names of those that failed."""
    stop = stop or asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    failed: list[str] = []

    async def guarded(name: str, service: Service) -> None:
        try:
            await service(stop)
        except Exception:  # the others stop in order rather than being cancelled mid-job
            log.exception("%s failed; stopping the other services", name)
            failed.append(name)
            stop.set()

    try:
        async with asyncio.TaskGroup() as group:
            for name, service in services.items():
                group.create_task(guarded(name, service), name=name)
    finally:
        for sig in (signal.SIGTERM, signal.SIGINT):
            loop.remove_signal_handler(sig)
    return failed


def until_stopped(start: Callable[[], Coroutine[Any, Any, None]]) -> Service:
    """A service from a coroutine that runs until cancelled (a bot's polling loop): cancelled when
    ``stop`` is set; if it ends by itself first, its error (if any) is the service's."""

    async def service(stop: asyncio.Event) -> None:
        task = asyncio.create_task(start())
        waiter = asyncio.create_task(stop.wait())
        await asyncio.wait({task, waiter}, return_when=asyncio.FIRST_COMPLETED)
        waiter.cancel()
        if not task.done():
            task.cancel()
        try:
            await task
        except asyncio.CancelledError:
            if not stop.is_set():
                raise

    return service
