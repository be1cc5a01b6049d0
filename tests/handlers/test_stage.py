"""A server's voice channel, platform-neutral: lines in order, skip, stop, and leaving when idle."""

from __future__ import annotations

import asyncio

from bot.app import open_context
from bot.config import load_config
from engine.jobs.queue import JobSpec
from handlers.live import LiveStream
from handlers.stage import Line, Stage


class Speaker:
    def __init__(self) -> None:
        self.left = asyncio.Event()
        self.interrupted = 0

    async def play(self, stream: LiveStream) -> None:
        while stream.read():  # noqa: ASYNC110 — as a player thread does: a packet per turn
            await asyncio.sleep(0)

    def interrupt(self) -> None:
        self.interrupted += 1

    async def leave(self) -> None:
        self.left.set()


async def _until(check) -> None:
    async with asyncio.timeout(30):
        while not check():  # noqa: ASYNC110 — the stage's state signals nothing; bounded above
            await asyncio.sleep(0.01)


async def test_lines_in_order_skip_and_stop_cancel_their_jobs(tmp_path):
    async with open_context(load_config(data_dir=tmp_path)) as ctx:
        user = await ctx.storage.users.get_or_create("discord", "5")
        jobs = [
            await ctx.engine.submit(JobSpec("speak", user.id, {"text": "x"}, live=True)) for _ in range(3)
        ]
        speaker = Speaker()
        stage = Stage(ctx, speaker, idle_s=60)
        assert [stage.add(Line(user.id, job.id)) for job in jobs] == [0, 1, 2]
        # No worker runs: the first line waits for its first sentence; skipping it brings the next.
        await _until(lambda: stage.current is not None and stage.current.job_id == jobs[0].id)
        assert await stage.skip()
        await _until(lambda: stage.current is not None and stage.current.job_id == jobs[1].id)
        assert await stage.stop() == 2  # the one waiting and the one under way
        statuses = [(await ctx.engine.status(user.id, job.id)).status for job in jobs]
        assert statuses == ["cancelled"] * 3 and speaker.interrupted == 2
        await stage.close()
        assert speaker.left.is_set()


async def test_an_idle_stage_leaves_the_channel_and_says_it_closed(tmp_path):
    async with open_context(load_config(data_dir=tmp_path)) as ctx:
        closed = asyncio.Event()
        speaker = Speaker()
        Stage(ctx, speaker, idle_s=0.05, closed=closed.set)
        async with asyncio.timeout(30):
            await speaker.left.wait()
            await closed.wait()
