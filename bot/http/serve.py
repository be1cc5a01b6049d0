"""The HTTP API as a service of ``voicebot run`` (``[http] enabled``): uvicorn on the runtime's loop,
stopped gracefully (requests in flight finish) when the runtime stops; signals stay the runtime's."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Iterator
from typing import Any

import uvicorn

from bot.config import HttpConfig
from bot.http.app import create_app


class _Server(uvicorn.Server):
    @contextlib.contextmanager
    def capture_signals(self) -> Iterator[None]:  # the runtime owns SIGTERM / SIGINT
        yield


def server(ctx: Any, http: HttpConfig) -> uvicorn.Server:
    config = uvicorn.Config(
        create_app(ctx, http),
        host=http.host,
        port=http.port,
        log_level="warning",
        access_log=False,  # a request line can carry ids; the app logs what matters
        lifespan="off",
    )
    return _Server(config)


def service(ctx: Any, config: HttpConfig):
    async def run(stop: asyncio.Event) -> None:
        http = server(ctx, config)
        serving = asyncio.create_task(http.serve())
        waiter = asyncio.create_task(stop.wait())
        await asyncio.wait({serving, waiter}, return_when=asyncio.FIRST_COMPLETED)
        waiter.cancel()
        http.should_exit = True
        await serving

    return run
