"""A pool's bot host loads no model: each voice note is checked by a worker (a ``check`` job), with
the same answers as when the bot checks it itself — here a bot context that serves no queue beside a
worker's context on the same data, as two hosts would be."""

from __future__ import annotations

import asyncio
import os
import time

import pytest

from bot.app import open_context
from bot.config import Config, load_config
from engine.jobs.worker import Worker
from handlers import collect, consent, provenance
from handlers.chat import Sender
from handlers.errors import Refusal
from handlers.jobs import runners
from handlers.maintenance import old_jobs
from handlers.messages import t
from storage.db import fetch_all
from tests.audio import clips, code_in, joined, reading
from tests.handlers.test_voice_consent import note, sample
from tests.postgres import fresh_database
from tests.voices import submit, uploads


def _models_loaded(ctx) -> list[bool]:
    return [
        ctx.ingestor.encoder._model.loaded,
        ctx.ingestor.vad._loaded.loaded,
        ctx.code_reader._decoder.loaded,
        ctx.watermarker._model.loaded,
    ]


async def until_live(ctx) -> None:
    """Until a worker's heartbeat is in (bounded by the caller)."""
    while True:
        if await ctx.engine.queue.live_workers():
            return
        await asyncio.sleep(0.05)


def _staged(tmp_path) -> list:
    return [p for p in (tmp_path / "files" / "checks").rglob("*") if p.is_file()]


async def test_a_bot_host_without_models_has_its_notes_checked_by_a_worker(tmp_path, postgres_server):
    """On the pool's PostgreSQL (the bot host and the worker meet only there and in the store)."""
    sender = Sender("telegram", "1", "1", "fr")
    url = fresh_database(postgres_server)
    config = Config.model_validate({"storage": {"data_dir": str(tmp_path), "database": url}})
    async with open_context(config) as host, open_context(config) as pool:
        host.checks_here = False
        checking = {"check": runners(pool)["check"]}  # the voices made here are not trained
        worker = Worker(pool.engine.queue, checking, poll_s=0.05)  # it registers: a live worker
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

                checked = await provenance.verify_in_chat(host, sender, note(clips("carlo_it")[0]), 2**24)
                assert checked.text == t("fr", "verify.none")  # the worker's detector: not ours

                api = await host.storage.users.get_or_create("cli", "api")  # the HTTP API's and CLI's way
                made = await submit(host, api.id, "par l'API", uploads(count=2))
        finally:
            worker.stop()
            await asyncio.wait_for(serving, 60)
        user = await consent.user_for(host, sender)
        voice = await collect.collecting(host, user.id)
        assert len(await host.storage.samples.list(user.id, voice.id)) == 1
        assert host.storage.files.consent_path(user.id, voice.id).is_file()
        jobs = await fetch_all(host.storage.conn, "SELECT kind, status FROM jobs ORDER BY rowid")
        assert [tuple(j) for j in jobs] == [("check", "succeeded")] * 5 + [("train", "queued")]
        record = await host.storage.voice_consents.get(api.id, made["voiceId"])
        assert record is not None and record.words_checked  # the worker heard the code
        assert host.storage.files.consent_path(api.id, made["voiceId"]).is_file()
        assert _models_loaded(host) == [False] * 4  # the bot's side never loaded one
        assert _models_loaded(pool) == [True] * 4
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
        assert not _staged(tmp_path) and _models_loaded(host) == [False] * 4


async def test_a_note_left_staged_by_a_host_that_stopped_goes_after_a_day(tmp_path):
    async with open_context(load_config(data_dir=tmp_path)) as ctx:
        files = ctx.storage.files
        stale, fresh = files.check_path(7, "check_old"), files.check_path(7, "check_new")
        for path in (stale, fresh):
            files.write(path, b"a voice note")
        os.utime(stale, (time.time() - 2 * 86400,) * 2)
        await old_jobs(ctx)
        assert not stale.exists() and fresh.exists()
