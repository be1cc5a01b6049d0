"""kill -9 of the real bot process (``voicebot run --no-worker``) while a person waits for their
speech, beside a real worker process: after a restart the voice note arrives once; after another
kill -9 once it was sent, it is not sent again; and the text the bot was killed on is not queued twice."""

from __future__ import annotations

import asyncio
import signal

from bot.app import open_context
from bot.config import load_config
from handlers import consent, jobs
from handlers.chat import Sender
from storage import Storage
from storage.db import fetch_all
from tests.engine.jobs.test_worker_process import WorkerProcess
from tests.fake_telegram import FakeTelegram
from tests.voices import submit, uploads

CHAT = 17


async def _voice_ready(data) -> None:
    """The person has consented and has a voice (made here, before the processes start)."""
    async with open_context(load_config(data_dir=data)) as ctx:
        sender = Sender("telegram", str(CHAT), str(CHAT), "en", private=True)
        await consent.accept(ctx, sender)
        user = await consent.user_for(ctx, sender)
        queued = await submit(ctx, user.id, "Allison", uploads("allison_en", 4, language="en"))
        await jobs.wait_result(ctx, user.id, queued["jobId"])


async def _speech_jobs(data) -> list[tuple[str, str]]:
    """The speech jobs in the database (the person's only), as the processes left them."""
    async with Storage.open(data) as storage:
        found = await fetch_all(storage.conn, "SELECT id, status FROM jobs WHERE kind = 'speak'")
        return [(row["id"], row["status"]) for row in found]


async def test_kill_9_of_the_bot_while_a_reply_is_due_loses_it_not_and_sends_it_once(tmp_path, monkeypatch):
    data = tmp_path / "data"
    await _voice_ready(data)
    fake = FakeTelegram()
    url = await fake.start()
    config = tmp_path / "voicebot.toml"
    config.write_text(f'[telegram]\nenabled = true\napi_url = "{url}"\n')
    monkeypatch.setenv("VOICEBOT_TELEGRAM_TOKEN", fake.token)

    def bot() -> WorkerProcess:
        return WorkerProcess(data, lease_s=5, config=config, command="run", extra=("--no-worker",))

    async def restarted(hosts: list[WorkerProcess]) -> None:
        mark = len(fake.calls)
        hosts.append(bot())
        await fake.wait_for("setMyCommands", after=mark, within=90)  # up, its start's deliveries begun

    hosts: list[WorkerProcess] = []
    worker = None
    try:
        await restarted(hosts)
        await fake.message(CHAT, "Good morning, and welcome to the show.")
        await fake.wait_for("sendChatAction", chat_id=CHAT, within=60)  # "recording a voice…"
        hosts[-1].proc.send_signal(signal.SIGKILL)  # the reply due; no worker yet to make it
        hosts[-1].stop()
        assert [status for _, status in await _speech_jobs(data)] == ["queued"]

        worker = await WorkerProcess(data, lease_s=5).started()
        for _ in range(900):  # another process's database, read every 0.2 s for up to 3 minutes
            if [status for _, status in await _speech_jobs(data)] == ["succeeded"]:
                break
            await asyncio.sleep(0.2)
        assert [status for _, status in await _speech_jobs(data)] == ["succeeded"]
        mark = len(fake.calls)
        await restarted(hosts)
        await fake.wait_for("sendVoice", after=mark, chat_id=CHAT, within=60)  # after the restart

        hosts[-1].proc.send_signal(signal.SIGKILL)  # killed once it was sent
        hosts[-1].stop()
        await restarted(hosts)
        mark = len(fake.calls)
        await fake.message(CHAT, "/help")  # answered: the bot is up, past its start's deliveries
        await fake.wait_for("sendMessage", after=mark, chat_id=CHAT, within=60)
        assert sum(c.method == "sendVoice" for c in fake.calls) == 1
        assert len(await _speech_jobs(data)) == 1  # the text the bot was killed on: queued once
    finally:
        for process in [*hosts, *([worker] if worker else [])]:
            process.stop()
        await fake.stop()
