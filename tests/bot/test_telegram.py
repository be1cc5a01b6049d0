"""The Telegram adapter with the real aiogram client against the fake Bot API (tests/fake_telegram.py)."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

from bot.telegram.app import build
from tests.audio import clips
from tests.bot.harness import running
from tests.fake_telegram import FakeTelegram


async def test_start_shows_the_statement_in_the_users_language_and_the_buttons_record_consent(tmp_path):
    async with running(tmp_path) as (fake, ctx):
        await fake.message(11, "/start", language="de")
        welcome = await fake.wait_for("sendMessage", chat_id=11)
        asked = await fake.wait_for("sendMessage", after=fake.calls.index(welcome) + 1, chat_id=11)
        assert welcome.params["text"].startswith("Hallo!")
        assert "ausdrückliche Erlaubnis" in asked.params["text"]
        keyboard = json.loads(asked.params["reply_markup"])["inline_keyboard"]
        assert [b["callback_data"] for b in keyboard[0]] == ["consent:accept", "consent:decline"]

        mark = len(fake.calls)
        message = {"message_id": 5, "date": 0, "chat": {"id": 11, "type": "private"}, "text": "…"}
        await fake.callback(11, message, "consent:accept", language="de")
        thanks = await fake.wait_for("sendMessage", after=mark, chat_id=11)
        assert thanks.params["text"].startswith("Danke")
        await fake.wait_for("answerCallbackQuery", after=mark)
        await fake.wait_for("editMessageReplyMarkup", after=mark)  # buttons gone after the choice
        user = await ctx.storage.users.get_or_create("telegram", "11")
        consent = await ctx.storage.consents.active(user.id)
        assert consent is not None and consent.method == "telegram:button" and user.locale == "de"

        mark = len(fake.calls)
        await fake.message(11, "/revoke", language="de")
        revoked = await fake.wait_for("sendMessage", after=mark, chat_id=11)
        assert "widerrufen" in revoked.params["text"]
        assert await ctx.storage.consents.active(user.id) is None


async def test_an_unknown_language_gets_english_and_declining_keeps_nothing(tmp_path):
    async with running(tmp_path) as (fake, ctx):
        await fake.message(12, "/start", language="sw")
        welcome = await fake.wait_for("sendMessage", chat_id=12)
        assert welcome.params["text"].startswith("Hi!")
        await fake.wait_for("sendMessage", after=fake.calls.index(welcome) + 1, chat_id=12)  # the statement
        mark = len(fake.calls)
        message = {"message_id": 6, "date": 0, "chat": {"id": 12, "type": "private"}, "text": "…"}
        await fake.callback(12, message, "consent:decline", language="sw")
        declined = await fake.wait_for("sendMessage", after=mark, chat_id=12)
        assert declined.params["text"].startswith("Understood")
        user = await ctx.storage.users.get_or_create("telegram", "12")
        assert await ctx.storage.consents.active(user.id) is None
        assert [e.action for e in await ctx.storage.audit.for_user(user.id)] == ["consent.declined"]


async def test_in_a_group_only_commands_addressed_to_the_bot_are_answered(tmp_path):
    async with running(tmp_path) as (fake, _ctx):
        group = -100
        await fake.message(13, "/help", chat_id=group)
        await fake.message(13, "say hello", chat_id=group)
        await fake.message(13, "/help@voicebot_test_bot", chat_id=group)
        reply = await fake.wait_for("sendMessage", chat_id=group)
        assert reply.params["text"].startswith("/start")
        await asyncio.sleep(0.5)  # the other two had their chance
        assert len([c for c in fake.calls if c.method == "sendMessage"]) == 1


async def test_the_command_menu_is_registered_in_every_language(tmp_path):
    from bot.telegram.app import COMMANDS, register_commands
    from handlers.messages import LANGUAGES

    async with running(tmp_path) as (fake, ctx):
        bot, _ = build(ctx, fake.token, fake.url)
        try:
            await register_commands(bot)
        finally:
            await bot.session.close()
        calls = [c for c in fake.calls if c.method == "setMyCommands"]
        assert sorted(c.params.get("language_code", "") for c in calls) == sorted(["", *LANGUAGES])
        menu = json.loads(calls[0].params["commands"])
        assert [c["command"] for c in menu] == list(COMMANDS)
        assert {"start", "newvoice", "samples", "train", "settings", "batch", "status"} <= set(COMMANDS)
        german = next(c for c in calls if c.params.get("language_code") == "de")
        assert json.loads(german.params["commands"])[5]["description"].startswith("Sprache, Stimme")


async def test_voicebot_run_polls_telegram_beside_the_worker(tmp_path, monkeypatch):
    import signal

    from tests.engine.jobs.test_worker_process import WorkerProcess

    fake = FakeTelegram()
    url = await fake.start()
    config = tmp_path / "voicebot.toml"
    config.write_text(f'[telegram]\nenabled = true\napi_url = "{url}"\n')
    monkeypatch.setenv("VOICEBOT_TELEGRAM_TOKEN", fake.token)
    process = WorkerProcess(tmp_path / "data", lease_s=5, config=config, command="run")
    try:
        await process.started()
        await fake.wait_for("setMyCommands")
        await fake.message(14, "/start")
        welcome = await fake.wait_for("sendMessage", chat_id=14)
        assert welcome.params["text"].startswith("Hi!")
        process.proc.send_signal(signal.SIGTERM)
        assert await asyncio.to_thread(process.proc.wait, 30) == 0
    finally:
        process.stop()
        await fake.stop()
    assert fake.token not in "".join(process.lines)  # the token is never logged


async def test_a_bot_host_with_no_worker_loads_no_model_and_a_worker_checks_its_notes(tmp_path, monkeypatch):
    """``voicebot run --no-worker`` beside ``voicebot worker`` on the same data (a pool's two hosts):
    the voice note is answered from the worker's check, and the bot's process never maps torch."""
    import signal

    from tests.engine.jobs.test_worker_process import WorkerProcess

    fake = FakeTelegram()
    url = await fake.start()
    config = tmp_path / "voicebot.toml"
    config.write_text(f'[telegram]\nenabled = true\napi_url = "{url}"\n[consent]\npolicy = "text"\n')
    monkeypatch.setenv("VOICEBOT_TELEGRAM_TOKEN", fake.token)
    data = tmp_path / "data"
    config_worker = tmp_path / "worker.toml"  # the worker host's: no bot token there
    config_worker.write_text('[consent]\npolicy = "text"\n')
    worker = WorkerProcess(data, lease_s=5, config=config_worker)
    host = WorkerProcess(data, lease_s=5, config=config, command="run", extra=("--no-worker",))
    try:
        await worker.started()
        await fake.wait_for("setMyCommands", within=60)
        chat = {"message_id": 1, "date": 0, "chat": {"id": 15, "type": "private"}, "text": "…"}
        await fake.message(15, "/start")
        welcome = await fake.wait_for("sendMessage", chat_id=15)
        await fake.wait_for("sendMessage", after=fake.calls.index(welcome) + 1, chat_id=15)  # the statement
        mark = len(fake.calls)
        await fake.callback(15, chat, "consent:accept")
        await fake.wait_for("sendMessage", after=mark, chat_id=15)
        mark = len(fake.calls)
        await fake.message(15, "/newvoice Allison")
        kinds = await fake.wait_for("sendMessage", after=mark, chat_id=15)
        rows = json.loads(kinds.params["reply_markup"])["inline_keyboard"]
        mark = len(fake.calls)
        instant = next(r[0]["callback_data"] for r in rows if r[0]["callback_data"].endswith(":instant"))
        await fake.callback(15, chat, instant)
        await fake.wait_for("sendMessage", after=mark, chat_id=15)
        mark = len(fake.calls)
        await fake.voice(15, clips("allison_en")[0].read_bytes(), duration=3)
        kept = await fake.wait_for("sendMessage", after=mark, chat_id=15, within=90)
        assert kept.params["text"].startswith("Kept:"), kept.params["text"]
        maps = [Path(f"/proc/{p.proc.pid}/maps").read_text() for p in (host, worker)]  # noqa: ASYNC240
        assert "libtorch" not in maps[0] and "libtorch" in maps[1]
        for process in (host, worker):
            process.proc.send_signal(signal.SIGTERM)
            assert await asyncio.to_thread(process.proc.wait, 30) == 0
    finally:
        host.stop()
        worker.stop()
        await fake.stop()
    assert any("no model loaded" in line for line in host.lines)


def test_run_refuses_to_start_without_the_token(tmp_path):
    from tests.bot.test_cli import run

    config = tmp_path / "voicebot.toml"
    config.write_text("[telegram]\nenabled = true\n")
    result = run(
        "--config", str(config), "--data-dir", str(tmp_path), "run", env={"VOICEBOT_TELEGRAM_TOKEN": ""}
    )
    assert result.returncode == 2
    assert "$VOICEBOT_TELEGRAM_TOKEN is not set" in json.loads(result.stdout)["error"]["message"]


def buttons_of(call) -> list[str]:
    return [
        b["callback_data"] for row in json.loads(call.params["reply_markup"])["inline_keyboard"] for b in row
    ]


async def test_voices_are_listed_and_deleted_after_confirmation_by_their_owner_only(tmp_path):
    from handlers import jobs
    from tests.voices import submit, uploads

    async with running(tmp_path) as (fake, ctx):
        alice = await ctx.storage.users.get_or_create("telegram", "15")
        queued = await submit(ctx, alice.id, "Alice", uploads(count=4))
        voice_id = (await jobs.wait_result(ctx, alice.id, queued["jobId"]))["voiceId"]
        chat = {"message_id": 1, "date": 0, "chat": {"id": 16, "type": "private"}, "text": "…"}

        mark = len(fake.calls)
        await fake.callback(16, chat, f"delete:{voice_id}:yes")  # Bob, with Alice's voice id
        refused = await fake.wait_for("sendMessage", after=mark, chat_id=16)
        assert refused.params["text"] == "No such voice among yours."

        await ctx.storage.conn.execute(  # about to expire
            "UPDATE voices SET expires_at = '2026-01-02T00:00:00+00:00' WHERE id = ?", (voice_id,)
        )
        await ctx.storage.conn.commit()
        mark = len(fake.calls)
        await fake.message(15, "/voices")
        listed = await fake.wait_for("sendMessage", after=mark, chat_id=15)
        assert "Alice — Instant (10 s of speech), ready, kept until 2026-01-02" in listed.params["text"]
        assert buttons_of(listed) == [f"renew:{voice_id}", f"delete:{voice_id}"]

        mark = len(fake.calls)
        await fake.callback(16, chat, f"renew:{voice_id}")  # Bob cannot renew it
        assert (await fake.wait_for("sendMessage", after=mark, chat_id=16)).params["text"] == (
            "No such voice among yours."
        )
        mark = len(fake.calls)
        await fake.callback(15, chat | {"chat": {"id": 15, "type": "private"}}, f"renew:{voice_id}")
        renewed = await fake.wait_for("sendMessage", after=mark, chat_id=15)
        until = (await ctx.storage.voices.get(alice.id, voice_id)).expires_at
        assert until > "2027" and renewed.params["text"] == f"“Alice” is kept until {until[:10]}."
        assert "voice.renewed" in [e.action for e in await ctx.storage.audit.for_user(alice.id)]
        mark = len(fake.calls)
        await fake.callback(15, chat | {"chat": {"id": 15, "type": "private"}}, f"delete:{voice_id}")
        confirm = await fake.wait_for("sendMessage", after=mark, chat_id=15)
        assert buttons_of(confirm) == [f"delete:{voice_id}:yes", "delete:keep"]
        assert await ctx.storage.voices.get(alice.id, voice_id) is not None  # not before the yes
        mark = len(fake.calls)
        await fake.callback(15, chat | {"chat": {"id": 15, "type": "private"}}, f"delete:{voice_id}:yes")
        done = await fake.wait_for("sendMessage", after=mark, chat_id=15)
        assert done.params["text"].startswith("“Alice” is deleted")
        assert await ctx.storage.voices.get(alice.id, voice_id) is None


async def test_status_shows_ones_jobs_with_their_place_and_the_owner_can_cancel(tmp_path):
    from engine.jobs.queue import JobSpec

    async with running(tmp_path) as (fake, ctx):  # no worker here: jobs stay queued
        alice = await ctx.storage.users.get_or_create("telegram", "17")
        job = await ctx.engine.submit(JobSpec("speak", alice.id, {"text": "hi"}))
        mark = len(fake.calls)
        await fake.message(18, "/status")
        assert (await fake.wait_for("sendMessage", after=mark, chat_id=18)).params["text"] == (
            "Nothing is queued or running for you."
        )
        mark = len(fake.calls)
        await fake.message(17, "/status")
        status = await fake.wait_for("sendMessage", after=mark, chat_id=17)
        assert status.params["text"] == "• speech: queued, 0% — place in queue 0, time left not known yet"
        assert buttons_of(status) == [f"cancel:{job.id}"]

        chat = {"message_id": 1, "date": 0, "chat": {"id": 18, "type": "private"}, "text": "…"}
        mark = len(fake.calls)
        await fake.callback(18, chat, f"cancel:{job.id}")  # not Bob's job
        assert (await fake.wait_for("sendMessage", after=mark, chat_id=18)).params["text"] == (
            "No such job among yours."
        )
        mark = len(fake.calls)
        await fake.callback(17, chat | {"chat": {"id": 17, "type": "private"}}, f"cancel:{job.id}")
        await fake.wait_for("sendMessage", after=mark, chat_id=17)
        assert (await ctx.engine.status(alice.id, job.id)).status == "cancelled"
