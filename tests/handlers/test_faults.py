"""Faults under a person waiting for speech: ffmpeg hung while making the file (killed at its
timeout with what it started, said in their language, the next request served) and a full disk
(said so, nothing half-written left, served again once there is room)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from bot.app import open_context
from bot.config import load_config
from engine.speech.render import SpeechOptions
from handlers import jobs, speech
from handlers.errors import Refusal
from tests.hostile import says
from tests.voices import submit, uploads


def _gone(pid: int) -> bool:
    """Ended (a zombie waiting for a reaper counts: it runs no more)."""
    try:
        return Path(f"/proc/{pid}/stat").read_text().split(") ")[1][0] in "ZX"
    except (FileNotFoundError, ProcessLookupError):
        return True


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


async def test_a_hung_ffmpeg_is_killed_at_its_timeout_with_what_it_started(tmp_path, monkeypatch):
    pids = tmp_path / "pids"
    hung = tmp_path / "ffmpeg"
    hung.write_text(f"#!/bin/sh\necho $$ > {pids}\nsleep 300 &\necho $! >> {pids}\nwait\n")
    hung.chmod(0o755)
    async with open_context(load_config(data_dir=tmp_path / "data")) as ctx:
        owner_id, voice_id = await _voice(ctx)
        with monkeypatch.context() as patch:
            patch.setattr("engine.audio.ffmpeg.ffmpeg_exe", lambda: str(hung))
            patch.setattr("engine.speech.render.ENCODE_TIMEOUT_S", 2.0)
            refused = await _refused(ctx, owner_id, voice_id)
        assert refused.code == "encode_timeout" and says(refused.message, "encode_timeout"), refused.message
        started = [int(line) for line in pids.read_text().split()]
        assert len(started) == 2 and all(_gone(pid) for pid in started), started  # the shell and its child
        assert not list((tmp_path / "data" / "files" / "outputs").rglob("*.*"))
        queued = await speech.submit_speech(ctx, owner_id, voice_id, "Good morning.", SpeechOptions())
        assert (await jobs.wait_result(ctx, owner_id, queued["jobId"]))["duration"] > 0.3
