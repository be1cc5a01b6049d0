"""The runtime: services under one task group, stopped in order; the chores on APScheduler."""

from __future__ import annotations

import asyncio

from bot.app import open_context
from bot.config import load_config
from bot.runtime import run_services, until_stopped
from bot.scheduler import chores
from handlers import maintenance


async def test_services_stop_in_order_when_asked_and_when_one_fails():
    seen: list[str] = []

    async def worker(stop: asyncio.Event) -> None:
        await stop.wait()
        await asyncio.sleep(0.01)  # hands its jobs back: finishes after the stop, not cancelled
        seen.append("worker handed back its jobs")

    async def forever() -> None:
        try:
            await asyncio.Event().wait()
        finally:
            seen.append("bot stopped polling")

    stop = asyncio.Event()
    asyncio.get_running_loop().call_later(0.05, stop.set)
    async with asyncio.timeout(30):
        failed = await run_services({"worker": worker, "bot": until_stopped(forever)}, stop)
    assert failed == [] and sorted(seen) == ["bot stopped polling", "worker handed back its jobs"]

    seen.clear()

    async def broken(stop: asyncio.Event) -> None:
        raise RuntimeError("token refused")

    async with asyncio.timeout(30):
        failed = await run_services({"worker": worker, "bot": until_stopped(forever), "broken": broken})
    assert failed == ["broken"]  # and the others still stopped cleanly, not cancelled mid-way
    assert sorted(seen) == ["bot stopped polling", "worker handed back its jobs"]


async def test_a_bot_that_ends_by_itself_reports_its_error():
    async def crashes() -> None:
        raise ConnectionError("gone")

    async with asyncio.timeout(30):
        assert await run_services({"bot": until_stopped(crashes)}) == ["bot"]


async def test_the_chores_run_at_start_on_the_scheduler(tmp_path, monkeypatch):
    ran = asyncio.Event()
    real, every_s = maintenance.CHORES["expiredVoices"]

    async def observed(ctx):
        gone = await real(ctx)
        ran.set()
        return gone

    monkeypatch.setitem(maintenance.CHORES, "expiredVoices", (observed, every_s))
    async with open_context(load_config(data_dir=tmp_path)) as ctx:
        user = await ctx.storage.users.get_or_create("cli", "u")
        await ctx.storage.voices.create(user.id, "old", ["en"], "instant", "embedded", 0)
        kept = await ctx.storage.voices.create(user.id, "kept", ["en"], "instant", "embedded", 90)
        stop = asyncio.Event()

        async def watch(stop: asyncio.Event) -> None:
            await ran.wait()
            stop.set()  # the expired voice's chore has run: enough

        async with asyncio.timeout(60):
            assert await run_services({"chores": chores(ctx), "watch": watch}, stop) == []
        assert [v.id for v in await ctx.storage.voices.list(user.id)] == [kept.id]
