"""What the Telegram bot refuses, and that a refusal keeps nothing: no consent, not audio, empty,
too large (never downloaded), too much text, another user's voice; and a 429 is waited out."""

from __future__ import annotations

from handlers import jobs
from tests.audio import clips
from tests.bot.harness import running
from tests.fake_telegram import FakeTelegram
from tests.voices import submit, uploads

ALICE, BOB = 31, 32
CHAT_MESSAGE = {"message_id": 1, "date": 0, "chat": {"id": ALICE, "type": "private"}, "text": "…"}


async def reply_to(fake: FakeTelegram, user: int, send) -> str:
    mark = len(fake.calls)
    await send
    return (await fake.wait_for("sendMessage", after=mark, chat_id=user)).params["text"]


def files_kept(tmp_path) -> list:
    return [p for p in (tmp_path / "files").rglob("*") if p.is_file()]


async def test_refusals_keep_nothing_and_download_nothing_they_need_not(tmp_path):
    note = clips("allison_en")[0].read_bytes()
    async with running(tmp_path, worker=True) as (fake, ctx):
        text = await reply_to(fake, ALICE, fake.voice(ALICE, note, duration=3))
        assert text == "Please accept the consent statement first: send /start."
        assert not any(c.method == "getFile" for c in fake.calls)  # not even downloaded

        await reply_to(fake, ALICE, fake.callback(ALICE, CHAT_MESSAGE, "consent:accept"))
        text = await reply_to(fake, ALICE, fake.voice(ALICE, note, duration=3))
        assert text == "Start a voice first: /newvoice <name>"
        await reply_to(fake, ALICE, fake.message(ALICE, "/newvoice Mine"))

        text = await reply_to(fake, ALICE, fake.document(ALICE, b"hello", "notes.txt", "text/plain"))
        assert text.startswith("That file is not audio")
        text = await reply_to(fake, ALICE, fake.voice(ALICE, note, duration=3, size=25 * 2**20))
        assert text == "That file is over 20 MiB; send a shorter recording."
        text = await reply_to(fake, ALICE, fake.voice(ALICE, note, duration=3600))
        assert text == "That recording is 3600 s long; send recordings under 600 s."
        assert not any(c.method == "getFile" for c in fake.calls)
        text = await reply_to(fake, ALICE, fake.voice(ALICE, b"", duration=1))
        # the voice waits for its consent recording: the refusal points back to the code to read
        assert text.startswith("Not kept: The file is empty.") and "reading this sentence aloud" in text
        alice = await ctx.storage.users.get_or_create("telegram", str(ALICE))
        (voice,) = await ctx.storage.voices.list(alice.id)
        assert await ctx.storage.samples.list(alice.id, voice.id) == []
        assert files_kept(tmp_path) == []


async def test_another_user_cannot_use_a_voice_and_long_text_is_refused(tmp_path):
    async with running(tmp_path, worker=True) as (fake, ctx):
        alice = await ctx.storage.users.get_or_create("telegram", str(ALICE))
        queued = await submit(ctx, alice.id, "Alice", uploads(count=4))
        await jobs.wait_result(ctx, alice.id, queued["jobId"])
        for user in (ALICE, BOB):
            await fake.callback(
                user, CHAT_MESSAGE | {"chat": {"id": user, "type": "private"}}, "consent:accept"
            )
            await fake.wait_for("sendMessage", chat_id=user)

        text = await reply_to(fake, BOB, fake.message(BOB, "Say this in Alice's voice."))
        assert text == "You have no ready voice yet. Start one with /newvoice <name>."
        assert (
            await reply_to(fake, BOB, fake.message(BOB, "/train")) == "Start a voice first: /newvoice <name>"
        )
        text = await reply_to(fake, ALICE, fake.message(ALICE, "x" * 5001))
        assert text.startswith("That text has 5001 characters; the limit is 5000.")
        assert not any(c.method == "sendVoice" for c in fake.calls)


async def test_flood_control_is_waited_out_and_the_reply_still_arrives(tmp_path):
    async with running(tmp_path, worker=True) as (fake, _ctx):
        fake.throttle("sendMessage", 2)  # the first two tries get 429 "retry after 1"
        await fake.message(ALICE, "/help")
        tries = [await fake.wait_for("sendMessage", chat_id=ALICE)]
        for _ in range(2):
            tries.append(
                await fake.wait_for("sendMessage", after=fake.calls.index(tries[-1]) + 1, chat_id=ALICE)
            )
        assert all(c.params["text"].startswith("/start") for c in tries)  # the same reply, re-sent
        assert tries[-1].at - tries[0].at >= 2.0  # after waiting as told


async def test_a_storm_of_server_errors_is_tried_through_and_the_bot_keeps_answering(tmp_path, monkeypatch):
    monkeypatch.setattr("bot.telegram.send.BACKOFF_S", 0.05)
    async with running(tmp_path, worker=True) as (fake, _ctx):
        fake.fail("sendMessage", [502, 500, 503])  # the next three tries fail on Telegram's side
        await fake.message(ALICE, "/help")
        tries = [await fake.wait_for("sendMessage", chat_id=ALICE)]
        for _ in range(3):
            tries.append(
                await fake.wait_for("sendMessage", after=fake.calls.index(tries[-1]) + 1, chat_id=ALICE)
            )
        assert len({c.params["text"] for c in tries}) == 1 and tries[0].params["text"].startswith("/start")
        fake.fail("getUpdates", [502] * 3)  # polling too: aiogram's own backoff, then on again
        assert (await reply_to(fake, ALICE, fake.message(ALICE, "/help"))).startswith("/start")
