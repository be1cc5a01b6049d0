"""The outbox every Bot API call goes through: pacing per chat (groups slower) and 429 waited out."""

from __future__ import annotations

import asyncio

from bot.telegram.app import build
from bot.telegram.send import Outbox
from tests.bot.harness import running


def _gaps(calls, burst: int) -> list[float]:
    """Time between each call and the one ``burst`` later: one refill, at least."""
    return [calls[i + burst].at - calls[i].at for i in range(len(calls) - burst)]


async def test_a_burst_to_one_chat_is_paced_in_order_and_a_group_more_slowly(tmp_path):
    outbox = Outbox(chat_per_s=10.0, group_per_s=2.0, total_per_s=100.0, burst=2)
    async with running(tmp_path) as (fake, ctx):
        bot, _ = build(ctx, fake.token, fake.url, outbox=outbox)
        try:
            private = [bot.send_message(7, f"m{i}") for i in range(8)]
            group = [bot.send_message(-100, f"g{i}") for i in range(4)]
            await asyncio.gather(*private, *group)
        finally:
            await bot.session.close()
        to_chat = [c for c in fake.calls if c.method == "sendMessage" and c.params["chat_id"] == "7"]
        to_group = [c for c in fake.calls if c.method == "sendMessage" and c.params["chat_id"] == "-100"]
        assert [c.params["text"] for c in to_chat] == [f"m{i}" for i in range(8)]  # order kept
        assert min(_gaps(to_chat, 2)) >= 0.9 / 10.0  # 2 at once, then 10 per second
        assert to_chat[-1].at - to_chat[0].at >= 0.9 * (8 - 2) / 10.0
        assert min(_gaps(to_group, 2)) >= 0.9 / 2.0  # a group: 2 per second here
        assert to_group[-1].at - to_group[0].at >= 0.9 * (4 - 2) / 2.0
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
