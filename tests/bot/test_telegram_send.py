"""The outbox every Bot API call goes through: pacing per chat (groups slower) and 429 waited out."""

from __future__ import annotations

import asyncio
import time

from bot.telegram.app import build
from bot.telegram.send import Outbox, later
from tests.bot.harness import running


def _gaps(times: list[float], burst: int) -> list[float]:
    """Time between each call and the one ``burst`` later: one refill, at least."""
    return [times[i + burst] - times[i] for i in range(len(times) - burst)]


class TimedOutbox(Outbox):
    """The outbox, noting when it lets each call go: the pacing, apart from how long a busy machine
    takes to open connections and carry the request (which once bunched the first three up)."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.released: dict[int, list[float]] = {}

    async def __call__(self, make_request, bot, method):
        async def released(bot, method):
            self.released.setdefault(method.chat_id, []).append(time.monotonic())
            return await make_request(bot, method)

        return await super().__call__(released, bot, method)


async def test_a_burst_to_one_chat_is_paced_in_order_and_a_group_more_slowly(tmp_path):
    outbox = TimedOutbox(chat_per_s=10.0, group_per_s=2.0, total_per_s=100.0, burst=2)
    async with running(tmp_path) as (fake, ctx):
        bot, _ = build(ctx, fake.token, fake.url, outbox=outbox)
        try:
            private = [bot.send_message(7, f"m{i}") for i in range(8)]
            group = [bot.send_message(-100, f"g{i}") for i in range(4)]
            await asyncio.gather(*private, *group)
        finally:
            await bot.session.close()
        to_chat = [c for c in fake.calls if c.method == "sendMessage" and c.params["chat_id"] == "7"]
        assert [c.params["text"] for c in to_chat] == [f"m{i}" for i in range(8)]  # order kept
        chat, group_times = outbox.released[7], outbox.released[-100]
        assert min(_gaps(chat, 2)) >= 0.9 / 10.0  # 2 at once, then 10 per second
        assert chat[-1] - chat[0] >= 0.9 * (8 - 2) / 10.0
        assert min(_gaps(group_times, 2)) >= 0.9 / 2.0  # a group: 2 per second here
        assert group_times[-1] - group_times[0] >= 0.9 * (4 - 2) / 2.0
        # The burst itself is not held back (counted, not timed: a busy machine must not fail this).
        assert outbox._bucket(7).at_once >= 2 and outbox._bucket(-100).at_once >= 2


async def test_flood_control_is_waited_out_for_every_kind_of_call(tmp_path):
    outbox = Outbox(chat_per_s=50.0, burst=10)
    async with running(tmp_path) as (fake, ctx):
        bot, _ = build(ctx, fake.token, fake.url, outbox=outbox)
        try:
            fake.throttle("editMessageText", 1)
            sent = await bot.send_message(8, "first")
            await bot.edit_message_text(text="edited", chat_id=8, message_id=sent.message_id)
        finally:
            await bot.session.close()
        edits = [c for c in fake.calls if c.method == "editMessageText"]
        assert len(edits) == 2 and outbox.waits["editMessageText"] == 1
        assert edits[1].at - edits[0].at >= 0.9  # retry_after 1 s was honoured


async def test_a_progress_edit_gives_way_to_replies_waiting_for_the_same_budget(tmp_path):
    """``later()`` calls (progress edits) go last: in make load, 34 people's edits filled the bot's
    30 a second and a command's answer waited behind them."""
    outbox = Outbox(chat_per_s=5.0, total_per_s=100.0, burst=1)
    async with running(tmp_path) as (fake, ctx):
        bot, _ = build(ctx, fake.token, fake.url, outbox=outbox)
        try:
            sent = await bot.send_message(9, "queued")  # the chat's one token is spent

            async def progress() -> None:
                with later():
                    await bot.edit_message_text(text="50 %", chat_id=9, message_id=sent.message_id)

            edit = asyncio.create_task(progress())
            async with asyncio.timeout(30):
                while not outbox._bucket(9).low_lock.locked():  # noqa: ASYNC110 — the edit waits for a token
                    await asyncio.sleep(0.005)
            await asyncio.gather(bot.send_message(9, "reply 1"), bot.send_message(9, "reply 2"), edit)
        finally:
            await bot.session.close()
        order = [c.params.get("text") for c in fake.calls if c.method in ("sendMessage", "editMessageText")]
        assert order == ["queued", "reply 1", "reply 2", "50 %"]
