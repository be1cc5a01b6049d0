"""``audioUrl`` samples: fetched from a local server the config allows; refused (403, 413, 422, with
nothing kept) for a host off the list, a private address, a redirect elsewhere, a body over the
cap, another scheme, a failing upstream."""

from __future__ import annotations

import socket
from contextlib import asynccontextmanager

import httpx
from aiohttp import web

from bot.app import open_context
from bot.config import Config
from handlers import apikeys, consent
from tests.audio import clips
from tests.bot.http_harness import error_of, serving

BASE = "/v2/ai/voice-cloning"


@asynccontextmanager
async def upstream():
    """A sample host on 127.0.0.1: /a.ogg …, a redirect to a host off the list, a big body."""
    files = {f"/{n}.ogg": p.read_bytes() for n, p in enumerate(clips("allison_en")[:4])}

    async def serve(request: web.Request) -> web.StreamResponse:
        if request.path == "/away":
            raise web.HTTPFound("http://127.0.0.2:1/elsewhere.ogg")
        if request.path == "/hop":
            raise web.HTTPFound("/0.ogg")
        if request.path == "/big":
            return web.Response(body=b"\0" * 300_000)
        if request.path in files:
            return web.Response(body=files[request.path], content_type="audio/ogg")
        raise web.HTTPNotFound()

    app = web.Application()
    app.router.add_get("/{tail:.*}", serve)
    runner = web.AppRunner(app)
    await runner.setup()
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    site = web.SockSite(runner, sock)
    await site.start()
    try:
        yield f"http://127.0.0.1:{sock.getsockname()[1]}"
    finally:
        await runner.cleanup()


async def _person(ctx) -> dict[str, str]:
    owner = await ctx.storage.users.get_or_create("cli", "owner")
    shown = await consent.shown_to(ctx, owner.id, "en")
    await consent.accept_shown(ctx, owner.id, shown["version"], shown["hash"], True, "api")
    return {"Authorization": f"Bearer {(await apikeys.create(ctx, owner.id))['apiKey']}"}


async def test_audio_urls_only_from_allowed_hosts_and_addresses(tmp_path):
    config = Config.model_validate({"storage": {"data_dir": str(tmp_path)}, "consent": {"policy": "text"}})
    allowed = {"fetch_urls": True, "fetch_hosts": ["127.0.0.1", "localhost"], "fetch_max_mb": 0.25}
    async with open_context(config) as ctx, upstream() as host:
        me = await _person(ctx)

        def asked(*paths: str) -> dict:
            samples = [{"audioUrl": p if "://" in p else f"{host}{p}"} for p in paths]
            return {"voiceName": "Fetched", "voiceType": "instant", "audioSamples": samples}

        async with serving(ctx, **allowed) as url, httpx.AsyncClient(base_url=url, timeout=60) as http:
            for where in (host, host.replace("127.0.0.1", "localhost")):  # an address, a name resolved
                private = await http.post(BASE, json=asked(f"{where}/0.ogg"), headers=me)
                assert "private" in error_of(private, 403, "forbidden")  # loopback, and not allowed
        async with (
            serving(ctx, **allowed, fetch_private=True) as url,
            httpx.AsyncClient(base_url=url, timeout=60) as http,
        ):
            refusals = [
                (asked("/0.ogg", "/away"), 403, "forbidden"),  # redirected to a host off the list
                (asked("http://127.0.0.2/0.ogg"), 403, "forbidden"),  # an address off the list
                (asked("ftp://127.0.0.1/0.ogg"), 403, "forbidden"),
                (asked("/big"), 413, "file_too_large"),
                (asked("/missing.ogg"), 422, "fetch_failed"),
            ]
            for body, status, code in refusals:
                error_of(await http.post(BASE, json=body, headers=me), status, code)
            assert await ctx.storage.voices.list((await ctx.storage.users.find("cli", "owner")).id) == []

            created = await http.post(BASE, json=asked("/hop", "/1.ogg", "/2.ogg", "/3.ogg"), headers=me)
            assert created.status_code == 200 and created.json()["status"] == "processing", created.text
            assert created.json()["audioAnalysis"]["totalDuration"] > 5
        async with (
            serving(ctx, fetch_urls=True, fetch_hosts=["example.org"]) as url,
            httpx.AsyncClient(base_url=url, timeout=60) as http,
        ):
            assert "list" in error_of(
                await http.post(BASE, json=asked("/0.ogg"), headers=me), 403, "forbidden"
            )
