"""``voicebot db migrate-to``: a one-machine installation (SQLite, a trained voice, its speech, a
queued job) moves to PostgreSQL — every table counted on both sides, the files untouched — and runs
there: the voice speaks, the queued job is handed to the broker and done. A second copy is refused."""

from __future__ import annotations

import asyncio
import json
import subprocess
import sys
from pathlib import Path

from bot.app import open_context
from bot.config import load_config
from engine.jobs.queue import JobSpec
from engine.speech.render import SpeechOptions
from handlers import jobs, speech
from tests.bot.test_cli import run
from tests.postgres import fresh_database
from tests.voices import submit, uploads

ROOT = Path(__file__).resolve().parents[2]


async def _one_machine(data) -> tuple[int, str, str]:
    async with open_context(load_config(data_dir=data)) as ctx:
        owner = await ctx.storage.users.get_or_create("telegram", "5")
        await ctx.storage.consents.accept(owner.id, "2026-11", "hash", "test")
        voice_id = (
            await jobs.wait_result(ctx, owner.id, (await submit(ctx, owner.id, "Mine", uploads()))["jobId"])
        )["voiceId"]
        said = await speech.submit_speech(ctx, owner.id, voice_id, "Before the move.", SpeechOptions())
        await jobs.wait_result(ctx, owner.id, said["jobId"])
        waiting = await speech.submit_speech(ctx, owner.id, voice_id, "After the move.", SpeechOptions())
        return owner.id, voice_id, waiting["jobId"]


async def _on_the_pool(data, url, owner_id, voice_id, waiting) -> None:
    async with open_context(load_config(data_dir=data, database=url)) as ctx:
        assert [v.id for v in await ctx.storage.voices.list(owner_id)] == [voice_id]
        done = await jobs.wait_result(ctx, owner_id, waiting)  # the broker has it: served here
        assert done["duration"] > 0.3
        again = await speech.submit_speech(ctx, owner_id, voice_id, "New on the pool.", SpeechOptions())
        assert (await jobs.wait_result(ctx, owner_id, again["jobId"]))["voiceId"] == voice_id
        fresh = await ctx.storage.users.get_or_create("discord", "6")  # numbered after the copied ones
        assert fresh.id > owner_id
        assert await ctx.engine.submit(JobSpec("speak", fresh.id, {"voiceId": voice_id}))


def test_an_installation_moves_to_postgresql_and_runs_there(tmp_path, postgres_server):
    data = tmp_path / "data"
    owner_id, voice_id, waiting = asyncio.run(_one_machine(data))
    url = fresh_database(postgres_server)
    moved = run("--data-dir", str(data), "db", "migrate-to", url)
    assert moved.returncode == 0, moved.stdout + moved.stderr
    report = json.loads(moved.stdout)
    assert report["copied"]["voices"] == 1 and report["copied"]["generations"] == 1
    assert report["copied"]["jobs"] == 3 and report["copied"]["samples"] == 4
    asyncio.run(_on_the_pool(data, url, owner_id, voice_id, waiting))
    twice = run("--data-dir", str(data), "db", "migrate-to", url)
    assert twice.returncode != 0 and "empty" in json.loads(twice.stdout)["error"]["message"]


def test_a_host_that_does_not_see_the_shared_store_is_refused(tmp_path, postgres_server):
    from storage import Storage

    url = fresh_database(postgres_server)

    async def first_host() -> str:
        async with Storage.open(tmp_path / "shared", url) as st:
            made = await st.check_store()
            assert await st.check_store() == made  # and again, the same
            return made

    made = asyncio.run(first_host())
    assert (tmp_path / "shared" / "files" / "store.id").read_text() == made
    elsewhere = run("--data-dir", str(tmp_path / "local"), "worker", "--database", url)
    error = json.loads(elsewhere.stdout)["error"]
    assert elsewhere.returncode != 0 and error["code"] == "store_mismatch", (
        elsewhere.stdout + elsewhere.stderr
    )
    assert str(tmp_path / "local" / "files") in error["message"] and made in error["message"]


_START = """
import asyncio, sys
from pathlib import Path
from storage import Storage

async def main():
    async with Storage.open(Path(sys.argv[1]), sys.argv[2] or None) as st:
        print(await st.check_store())

asyncio.run(main())
"""


def test_hosts_starting_together_on_a_new_installation_agree_on_it(tmp_path, database):
    """Two processes opening a new data folder (and database) at once: one migrates, one makes the
    store's id, and both take the same (a race lost here refused both hosts with store_mismatch)."""
    for attempt in range(3 if database is None else 1):  # one fresh PostgreSQL database per test
        data = tmp_path / f"data{attempt}"
        command = [sys.executable, "-c", _START, str(data), database or ""]
        starts = [
            subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=ROOT)
            for _ in range(2)
        ]
        outputs = [start.communicate(timeout=60) for start in starts]
        assert [start.returncode for start in starts] == [0, 0], [err[-2000:] for _, err in outputs]
        ids = {out.strip() for out, _ in outputs}
        assert len(ids) == 1 and (data / "files" / "store.id").read_text() == ids.pop()
