"""The Telegram bot end to end, in one process like ``voicebot run``: the real aiogram client against
the fake Bot API on 127.0.0.1, the real worker loop and the embedded engine.

    python bench/telegram_bench.py

1. Speech round trip: from the text update being available to the voice note arriving at the
   server, divided by the engine's own time for that job (claim to finish). Target ≤ 1.05. One
   text per 1.1 s: faster, the bot's send pacing (about one message per second per chat, Telegram's
   limit) would hold replies back on purpose, and that is not the overhead measured here.
2. /status reply latency (update available → reply at the server) while a training and 20 speech
   jobs run. Target p99 ≤ 50 ms. One request every 50 ms, from 20 people in turn (the owner of the
   jobs among them), so each person asks once a second: the bot's real send pacing (about one
   message per second per chat) never holds a reply back, and what is measured is the handling.
"""

from __future__ import annotations

import asyncio
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

SENTENCES = [
    "Good morning, the coffee is ready.",
    "Please call me back when you have a moment.",
    "Our meeting starts at nine in the morning.",
    "Turn left at the next corner and keep going straight.",
    "Thank you so much for the lovely birthday present.",
    "The children played football in the garden until dark.",
    "We should finish the report before Friday afternoon.",
    "My brother bought a new bicycle last week.",
]


async def main() -> None:
    from bot.app import open_context
    from bot.config import load_config
    from bot.telegram.app import build
    from engine.jobs.worker import Worker
    from handlers import jobs
    from handlers.jobs import runners
    from tests.fake_telegram import FakeTelegram
    from tests.voices import submit, uploads

    fake = FakeTelegram()
    url = await fake.start()
    with tempfile.TemporaryDirectory() as data:
        async with open_context(load_config(data_dir=Path(data))) as ctx:
            bot, dp = build(ctx, fake.token, url)
            worker = Worker(ctx.engine.queue, runners(ctx), poll_s=0.05, register=False)
            ctx.engine.poll_s = 0.02
            ctx.engine.queue.max_queued_per_owner = 50  # a training and 20 speech jobs at once
            tasks = [
                asyncio.create_task(dp.start_polling(bot, handle_signals=False, polling_timeout=10)),
                asyncio.create_task(worker.run()),
            ]
            user = 51
            alice = await ctx.storage.users.get_or_create("telegram", str(user))
            await ctx.storage.consents.accept(alice.id, "2026-11", "bench", "bench")
            ready = await submit(ctx, alice.id, "Alice", uploads(count=8))
            await jobs.wait_result(ctx, alice.id, ready["jobId"])

            ratios, trips = [], []
            for sentence in SENTENCES:
                mark = len(fake.calls)
                started = time.monotonic()
                await fake.message(user, sentence)
                sent = await fake.wait_for("sendVoice", after=mark, within=60)
                trip = sent.at - started
                finished = await _last_speech(ctx, alice.id)
                trips.append(trip)
                ratios.append(trip / (finished.finished_at - finished.started_at))
                await asyncio.sleep(max(0.0, 1.1 - (time.monotonic() - started)))

            # /status while a training and 20 speech jobs run.
            second = await submit(ctx, alice.id, "Alice two", uploads(count=16))
            from engine.jobs.queue import JobSpec

            voice_id = (await ctx.storage.voices.list(alice.id))[0].id
            options = {
                "speed": 1.0,
                "pitch": 0.0,
                "emotion": "neutral",
                "output_format": "ogg",
                "sample_rate": 48000,
            }
            for i in range(20):
                payload = {
                    "voiceId": voice_id,
                    "text": f"Sentence {i}.",
                    "language": "en",
                    "options": options,
                }
                await ctx.engine.submit(JobSpec("speak", alice.id, payload, voice_id))
            latencies, own = [], []
            askers = [user, *range(1000, 1019)]
            while len(latencies) < 100 and await ctx.engine.queue.active(alice.id):
                asker = askers[len(latencies) % len(askers)]
                mark = len(fake.calls)
                started = time.monotonic()
                await fake.message(asker, "/status")
                reply = await fake.wait_for("sendMessage", after=mark, within=30, chat_id=asker)
                latencies.append(reply.at - started)
                if asker == user:
                    own.append(reply.at - started)
                await asyncio.sleep(max(0.0, 0.05 - (time.monotonic() - started)))
            busy = len(latencies)
            await jobs.wait_result(ctx, alice.id, second["jobId"])

            worker.stop()
            await dp.stop_polling()
            await asyncio.gather(*tasks)
            await bot.session.close()
    await fake.stop()
    latencies.sort()
    print(
        json.dumps(
            {
                "speech_round_trip_s_median": round(statistics.median(trips), 3),
                "round_trip_over_engine_time_median": round(statistics.median(ratios), 3),
                "round_trip_over_engine_time_range": [round(min(ratios), 3), round(max(ratios), 3)],
                "status_replies_while_busy": busy,
                "status_latency_ms_median": round(statistics.median(latencies) * 1000, 1),
                "status_latency_ms_p99": round(
                    latencies[min(len(latencies) - 1, int(0.99 * len(latencies)))] * 1000, 1
                ),
                "status_latency_ms_max": round(latencies[-1] * 1000, 1),
                "status_latency_ms_max_jobs_owner": round(max(own) * 1000, 1),
            },
            indent=2,
        )
    )


async def _last_speech(ctx, owner_id: int):
    """The owner's most recent finished speech job (started/finished are the engine's own times)."""
    from storage.db import fetch_one

    row = await fetch_one(
        ctx.storage.conn,
        "SELECT id FROM jobs WHERE owner_id = ? AND kind = 'speak' AND status = 'succeeded'"
        " ORDER BY finished_at DESC LIMIT 1",
        (owner_id,),
    )
    return await ctx.engine.status(owner_id, row["id"])


if __name__ == "__main__":
    asyncio.run(main())
