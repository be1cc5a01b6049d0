"""Delivery of chat jobs, platform-neutral: an Outlet that records what a chat would be sent."""

from __future__ import annotations

import asyncio
import contextlib
from pathlib import Path
from typing import Any

from bot.app import open_context
from bot.config import load_config
from engine.jobs.queue import JobSpec
from engine.jobs.worker import Worker
from handlers.chat import Queued, Sender
from handlers.delivery import Deliveries, Target
from tests.audio import clips
from tests.voices import collecting


class RecordingOutlet:
    platform = "telegram"

    def __init__(self) -> None:
        self.sent: list[tuple[str, ...]] = []
        self.changed = asyncio.Event()

    def _record(self, *item: str) -> None:
        self.sent.append(item)
        self.changed.set()

    async def send_text(self, to: Target, text: str) -> Any:
        self._record("text", to.chat, text)
        return len(self.sent)

    async def edit_text(self, to: Target, message: Any, text: str) -> None:
        self._record("edit", to.chat, text)

    async def send_audio(self, to: Target, path: Path, send_as: str, audio_format: str, seconds: int) -> None:
        self._record(send_as, to.chat, audio_format)

    async def send_file(self, to: Target, path: Path, filename: str, caption: str) -> None:
        self._record("file", to.chat, filename)

    def working(self, to: Target, speech: bool) -> contextlib.AbstractAsyncContextManager[Any]:
        return contextlib.nullcontext()

    async def until(self, count: int) -> None:
        while len([s for s in self.sent if s[0] != "edit"]) < count:
            self.changed.clear()
            await self.changed.wait()


def _target(locale: str) -> dict[str, Any]:
    return {"platform": "telegram", "chat": "5", "locale": locale, "as": "text"}


async def test_an_outcome_that_ended_while_the_bot_was_away_is_delivered_once(tmp_path):
    async with open_context(load_config(data_dir=tmp_path)) as ctx:
        user = await ctx.storage.users.get_or_create("telegram", "5", "fr")
        job = await ctx.engine.submit(JobSpec("speak", user.id, {"text": "x"}, reply_to=_target("fr")))
        await ctx.engine.cancel(user.id, job.id)
        outlet = RecordingOutlet()
        deliveries = Deliveries(outlet, ctx, every_s=0.0)
        assert await deliveries.resume() == 1
        async with asyncio.timeout(30):
            await outlet.until(1)
        await deliveries.close()
        assert outlet.sent == [("text", "5", "Annulé.")]
        assert await ctx.engine.queue.awaiting_delivery("telegram") == []
        assert await Deliveries(RecordingOutlet(), ctx, 0.0).resume() == 0  # delivered once


async def test_a_failed_chat_training_is_told_in_the_persons_language(tmp_path):
    sender = Sender("telegram", "5", "5", "fr")
    async with open_context(load_config(data_dir=tmp_path)) as ctx:
        user, voice = await collecting(ctx, sender, clips("allison_en")[:3])
        # Asked for more than the notes hold (as if the tier had changed since): the worker refuses.
        await ctx.storage.voices.update(user.id, voice.id, voice_type="standard")
        payload = {"voiceId": voice.id, "engine": "embedded", "language": "en", "voiceType": "standard"}
        payload |= {"fromSamples": True, "threshold": 0.75, "locale": "fr"}
        job = await ctx.engine.submit(JobSpec("train", user.id, payload, voice.id, reply_to=_target("fr")))
        outlet = RecordingOutlet()
        deliveries = Deliveries(outlet, ctx, every_s=0.0)
        worker = Worker(ctx.engine.queue, ctx.engine.local_runners, register=False, poll_s=0.05)
        serving = asyncio.create_task(worker.run())
        try:
            deliveries.follow(
                Queued(None, user.id, job.id),
                await outlet.send_text(Target("5", job.id), "En file d'attente"),
            )
            async with asyncio.timeout(120):
                await outlet.until(2)
        finally:
            worker.stop()
            await serving
            await deliveries.close()
        told = outlet.sent[-1][2]
        assert told.startswith("Cela n'a pas fonctionné : ")
        assert "Une voix standard demande au moins 60 s de parole" in told and "speech" not in told
        assert (await ctx.storage.voices.get(user.id, voice.id)).status == "collecting"
