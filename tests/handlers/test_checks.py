"""A pool's bot host loads no model: each voice note is checked by a worker (a ``check`` job), with
the same answers as when the bot checks it itself — here a bot context that serves no queue beside a
worker's context on the same data, as two hosts would be."""

from __future__ import annotations

import asyncio

import pytest

from bot.app import open_context
from bot.config import Config, load_config
from engine.jobs.worker import Worker
from handlers import collect, consent
from handlers.chat import Sender
from handlers.errors import Refusal
from handlers.jobs import runners
from handlers.messages import t
from storage.db import fetch_all
from tests.audio import code_in, joined, reading
from tests.handlers.test_voice_consent import note, sample


def _models_loaded(ctx) -> list[bool]:
    return [
        ctx.ingestor.encoder._model.loaded,
        ctx.ingestor.vad._loaded.loaded,
        ctx.code_reader._decoder.loaded,
    ]


async def until_live(ctx) -> None:
    """Until a worker's heartbeat is in (bounded by the caller)."""
    while True:
        if await ctx.engine.queue.live_workers():
            return
        await asyncio.sleep(0.05)


def _staged(tmp_path) -> list:
    return [p for p in (tmp_path / "files" / "checks").rglob("*") if p.is_file()]


async def test_a_bot_host_without_models_has_its_notes_checked_by_a_worker(tmp_path):
    sender = Sender("telegram", "1", "1", "fr")
    config = load_config(data_dir=tmp_path)
    async with open_context(config) as host, open_context(config) as pool:
        host.checks_here = False
        worker = Worker(pool.engine.queue, runners(pool), poll_s=0.05)  # registers: a live worker
        serving = asyncio.create_task(worker.run())
        try:
            async with asyncio.timeout(180):
                await until_live(host)
                await consent.accept(host, sender)
                asked = (await collect.new_voice(host, sender, "la mienne", "instant", "en")).text
                said = await collect.add_sample(host, sender, note(reading(code_in(asked), tmp_path)), 2**24)
                assert said.text.startswith(t("fr", "vconsent.verified"))

                own = sample(joined("allison_en", 12), tmp_path, "own")
                kept = await collect.add_sample(host, sender, note(own), 2**24)
                assert kept.text.startswith("Conservé : "), kept.text
                other = sample(joined("carlo_it", 12), tmp_path, "carlo")
                refused = await collect.add_sample(host, sender, note(other), 2**24)
                assert refused.text.startswith("Non conservé : Une autre voix parle"), refused.text
        finally:
            worker.stop()
            await asyncio.wait_for(serving, 60)
        user = await consent.user_for(host, sender)
        voice = await collect.collecting(host, user.id)
        assert len(await host.storage.samples.list(user.id, voice.id)) == 1
        assert host.storage.files.consent_path(user.id, voice.id).is_file()
        jobs = await fetch_all(host.storage.conn, "SELECT kind, status FROM jobs")
        assert [tuple(j) for j in jobs] == [("check", "succeeded")] * 3
        assert _models_loaded(host) == [False, False, False]  # the bot's side never loaded one
        assert _models_loaded(pool) == [True, True, True]
        assert not _staged(tmp_path)


async def test_with_no_worker_alive_a_note_is_refused_in_the_persons_words(tmp_path):
    sender = Sender("telegram", "2", "2", "it")
    config = Config.model_validate({"storage": {"data_dir": str(tmp_path)}, "consent": {"policy": "text"}})
    async with open_context(config) as host:
        host.checks_here = False
        await consent.accept(host, sender)
        await collect.new_voice(host, sender, "mia", "instant", "en")
        with pytest.raises(Refusal) as refused:
            await collect.add_sample(
                host, sender, note(sample(joined("allison_en", 12), tmp_path, "a")), 2**24
            )
        assert refused.value.message == t("it", "check.unavailable")
        user = await consent.user_for(host, sender)
        voice = await collect.collecting(host, user.id)
        assert not await host.storage.samples.list(user.id, voice.id)
        assert not _staged(tmp_path) and _models_loaded(host) == [False, False, False]
