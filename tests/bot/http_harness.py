"""The HTTP API on a socket bound here, for tests (it takes connections before uvicorn reports
ready), and the error shape every refusal has."""

from __future__ import annotations

import asyncio
import socket
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import httpx

from bot.config import HttpConfig
from bot.http.serve import server


@asynccontextmanager
async def serving(ctx, **settings: Any) -> AsyncIterator[str]:
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    sock.listen()
    config = HttpConfig(host="127.0.0.1", port=sock.getsockname()[1], **settings)
    http = server(ctx, config)
    task = asyncio.create_task(http.serve(sockets=[sock]))
    try:
        yield f"http://127.0.0.1:{sock.getsockname()[1]}"
    finally:
        http.should_exit = True
        await asyncio.wait_for(task, 30)
        sock.close()


def error_of(response: httpx.Response, status: int, code: str) -> str:
    """The message of a refusal, after checking its status and the one error shape."""
    assert response.status_code == status, response.text
    body = response.json()
    assert set(body) == {"error"} and set(body["error"]) == {"code", "message"}, body
    assert body["error"]["code"] == code, body
    return body["error"]["message"]
