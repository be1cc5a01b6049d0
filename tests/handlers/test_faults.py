"""Faults under a person waiting for speech: ffmpeg hung while making the file (killed at its
timeout with what it started, said in their language, the next request served) and a full disk
(said so, nothing half-written left, served again once there is room)."""

from __future__ import annotations

import asyncio
import resource
import sqlite3
from contextlib import contextmanager
from pathlib import Path

import pytest

from bot.app import open_context
from bot.config import load_config
from engine.speech.render import SpeechOptions
from handlers import jobs, speech, voice_consent, voices
from handlers.errors import Refusal
from handlers.messages import unexpected
from storage.files import no_room
from tests.audio import code_in, reading
from tests.hostile import says
from tests.postgres import fresh_database
from tests.voices import submit, uploads


async def _voice(ctx) -> tuple[int, str]:
    user = await ctx.storage.users.get_or_create("cli", "u")
    queued = await submit(ctx, user.id, "v", uploads("allison_en", 4, language="en"))
    return user.id, (await jobs.wait_result(ctx, user.id, queued["jobId"]))["voiceId"]


async def _refused(ctx, owner_id: int, voice_id: str) -> Refusal:
    queued = await speech.submit_speech(
        ctx, owner_id, voice_id, "Bonjour à tous.", SpeechOptions(), locale="fr"
    )
    with pytest.raises(Refusal) as refused:
        await jobs.wait_result(ctx, owner_id, queued["jobId"], locale="fr")
    return refused.value


def _alive(marker: str) -> list[int]:
    """Processes (not zombies) whose command line holds ``marker``."""
    found = []
    for proc in Path("/proc").iterdir():
        if not proc.name.isdigit():
            continue
        try:
            running = (proc / "stat").read_text().split(") ")[1][0] not in "ZX"
            if running and marker in (proc / "cmdline").read_text():
                found.append(int(proc.name))
        except (OSError, IndexError):  # ended meanwhile, or not a process
            continue
    return found


async def test_a_hung_ffmpeg_is_killed_at_its_timeout_with_what_it_started(tmp_path, monkeypatch):
    hung = tmp_path / "ffmpeg"
    hung.write_text("#!/bin/sh\nsleep 301 &\nwait\n")  # a shell that started a child, and waits
    hung.chmod(0o755)
    async with open_context(load_config(data_dir=tmp_path / "data")) as ctx:
        owner_id, voice_id = await _voice(ctx)
        with monkeypatch.context() as patch:
            patch.setattr("engine.audio.ffmpeg.ffmpeg_exe", lambda: str(hung))
            patch.setattr("engine.speech.render.ENCODE_TIMEOUT_S", 2.0)
            refused = await _refused(ctx, owner_id, voice_id)
        assert refused.code == "encode_timeout" and says(refused.message, "encode_timeout"), refused.message
        assert not _alive(str(hung)) and not _alive("sleep\x00301")  # the shell and its child
        assert not list((tmp_path / "data" / "files" / "outputs").rglob("*.*"))
        queued = await speech.submit_speech(ctx, owner_id, voice_id, "Good morning.", SpeechOptions())
        assert (await jobs.wait_result(ctx, owner_id, queued["jobId"]))["duration"] > 0.3


@contextmanager
def room_for(kib: int):
    """No file of this process may grow past ``kib`` (RLIMIT_FSIZE: Python ignores SIGXFSZ, so a
    write past it fails with EFBIG, as on a full disk)."""
    before = resource.getrlimit(resource.RLIMIT_FSIZE)
    resource.setrlimit(resource.RLIMIT_FSIZE, (kib * 1024, before[1]))
    try:
        yield
    finally:
        resource.setrlimit(resource.RLIMIT_FSIZE, before)


def _half_written(data: Path) -> list[Path]:
    return [p for p in (data / "files").rglob(".tmp-*")]


async def test_a_full_disk_while_a_sample_a_model_and_an_output_are_written(tmp_path, postgres_server):
    """The database is PostgreSQL (another process, not limited): only the file store runs out."""
    data = tmp_path / "data"
    async with open_context(load_config(data_dir=data, database=fresh_database(postgres_server))) as ctx:
        user = await ctx.storage.users.get_or_create("cli", "u")

        challenge = await voice_consent.new_challenge(ctx, user.id, "en")
        recording = reading(code_in(challenge["sentence"]), tmp_path)  # made before: ffmpeg writes it
        with room_for(32), pytest.raises(OSError) as full:  # the upload's copy (~75 KiB) cannot be kept
            await voices.submit_voice(
                ctx, user.id, name="v", language="en", voice_type="instant",
                uploads=uploads("allison_en", 4, language="en"), consent_statement="I agree.",
                challenge_id=challenge["challengeId"], consent_recording=recording, locale="fr",
            )  # fmt: skip
        assert no_room(full.value) and says(unexpected("fr", full.value), "storage_full")
        assert await ctx.storage.voices.list(user.id) == [] and not _half_written(data)
        assert not [p for p in (data / "files").rglob("*") if p.is_file() and p.name != "store.id"]

        queued = await submit(ctx, user.id, "v", uploads("allison_en", 4, language="en"), locale="fr")
        with room_for(128), pytest.raises(Refusal) as refused:  # the samples fit, the model does not
            await jobs.wait_result(ctx, user.id, queued["jobId"], locale="fr")
        assert refused.value.code == "storage_full" and says(refused.value.message, "storage_full")
        assert (await ctx.engine.status(user.id, queued["jobId"])).attempts == 1  # failed at once
        assert await ctx.storage.voices.list(user.id) == [] and not _half_written(data)

        owner_id, voice_id = await _voice(ctx)
        with room_for(64):  # a WAV at 48 kHz of a few seconds is more
            queued = await speech.submit_speech(
                ctx, owner_id, voice_id, "Bonjour à tous, et merci d'être venus si nombreux ce soir.",
                SpeechOptions(output_format="wav", sample_rate=48000), locale="fr",
            )  # fmt: skip
            with pytest.raises(Refusal) as refused:
                await jobs.wait_result(ctx, owner_id, queued["jobId"], locale="fr")
        assert refused.value.code == "storage_full" and says(refused.value.message, "storage_full")
        assert await ctx.storage.generations.for_owner(owner_id) == []  # no receipt for a file not kept
        assert not list((data / "files" / "outputs").rglob("*.*")) and not _half_written(data)
        queued = await speech.submit_speech(ctx, owner_id, voice_id, "Good morning.", SpeechOptions())
        assert (await jobs.wait_result(ctx, owner_id, queued["jobId"]))["duration"] > 0.3  # room again


async def test_a_second_writer_holding_the_sqlite_database(tmp_path, monkeypatch):
    """Another process's write lock (a backup, a second bot on the same file): shorter than the busy
    timeout, the request waits and is served; longer, it is refused in the person's words with
    nothing written, and the same request goes through once the lock is let go."""
    monkeypatch.setattr("storage.db.BUSY_TIMEOUT_MS", 3000)
    data = tmp_path / "data"
    async with open_context(load_config(data_dir=data)) as ctx:
        owner_id, voice_id = await _voice(ctx)
        holder = sqlite3.connect(data / "voicebot.sqlite3", isolation_level=None)
        try:
            holder.execute("BEGIN IMMEDIATE")  # the write lock, held
            asyncio.get_running_loop().call_later(0.2, holder.execute, "COMMIT")
            queued = await speech.submit_speech(ctx, owner_id, voice_id, "Good morning.", SpeechOptions())
            assert (await jobs.wait_result(ctx, owner_id, queued["jobId"]))["duration"] > 0.3

            holder.execute("BEGIN IMMEDIATE")  # held until the request has given up
            with pytest.raises(sqlite3.OperationalError) as busy:
                await speech.submit_speech(ctx, owner_id, voice_id, "Bonjour.", SpeechOptions(), locale="fr")
            assert says(unexpected("fr", busy.value), "busy"), busy.value
            holder.execute("COMMIT")
        finally:
            holder.close()
        assert await ctx.engine.queue.active(owner_id) == []  # nothing of it written
        queued = await speech.submit_speech(ctx, owner_id, voice_id, "Bonjour.", SpeechOptions(), locale="fr")
        assert (await jobs.wait_result(ctx, owner_id, queued["jobId"]))["duration"] > 0.3
        assert len(await ctx.storage.generations.for_owner(owner_id)) == 2
