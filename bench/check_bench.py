"""How fast a voice note is answered when the bot checks it itself (one machine, as before) and when
a worker checks it as a ``check`` job (a pool's bot host, which loads no model): the same real notes
(Allison's clips, Opus voice notes like Telegram's), the same handler, the reply's time measured.

    python bench/check_bench.py [--notes 16]

Setups: "here" (the bot's process checks: ``voicebot run``); "worker, SQLite" (a bot context that
serves no queue beside a worker context on the same data folder); "worker, PostgreSQL" (the same on
the ``pgserver`` wheel's PostgreSQL 16). Models are warmed first in every setup: what is measured is
the answer, not a first load.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def _notes(folder: Path, count: int) -> list[bytes]:
    from tests.audio import encode, joined

    out = []
    for number in range(count):
        audio = joined("allison_en", 8, start=number % 12)
        path = encode(audio[number * 7 :], folder / f"note{number}.ogg", "-c:a", "libopus", "-b:a", "32k")
        out.append(path.read_bytes())
    return out


async def one(setup: str, data: Path, url: str | None, notes: list[bytes]) -> dict:
    from bot.app import open_context
    from bot.config import Config
    from engine.jobs.worker import Worker
    from handlers import collect, consent
    from handlers.chat import Sender
    from handlers.jobs import runners
    from tests.handlers.test_checks import until_live

    settings = {"storage": {"data_dir": str(data)}, "consent": {"policy": "text"}}
    if url:
        settings["storage"]["database"] = url
    config = Config.model_validate(settings)
    sender = Sender("telegram", "1", "1", "en")
    async with open_context(config) as host, open_context(config) as pool:
        worker = None
        if setup != "here":
            host.checks_here = False
            worker = Worker(pool.engine.queue, runners(pool), poll_s=0.25)
        serving = asyncio.create_task(worker.run()) if worker else None
        try:
            if worker:
                await until_live(host)
            await consent.accept(host, sender)
            await collect.new_voice(host, sender, "bench", "instant", "en")
            checker = pool if worker else host
            warm = checker.ingestor.from_bytes(notes[0], checker.cleaning)  # models loaded
            checker.ingestor.encoder.embed(warm.audio, warm.rate)
            times = []
            for data in notes:

                async def fetch(data=data) -> bytes:
                    return data

                started = time.perf_counter()
                reply = await collect.add_sample(host, sender, collect.Incoming(fetch, None, None), 2**24)
                times.append(time.perf_counter() - started)
                assert reply.text.startswith(("Kept", "Not kept")), reply.text
        finally:
            if worker:
                worker.stop()
                await serving
    ordered = sorted(times)
    return {
        "setup": setup,
        "notes": len(times),
        "median_s": round(statistics.median(times), 3),
        "p90_s": round(ordered[int(0.9 * (len(ordered) - 1))], 3),
        "mean_s": round(statistics.fmean(times), 3),
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--notes", type=int, default=16)
    args = parser.parse_args()
    import pgserver

    results = []
    with tempfile.TemporaryDirectory(prefix="voicebot-check-") as folder:
        notes = _notes(Path(folder), args.notes)
        server = pgserver.get_server(Path(folder) / "pg", cleanup_mode="stop")
        try:
            server.psql("CREATE DATABASE bench_checks;")
            for setup, url in (
                ("here", None),
                ("worker, SQLite", None),
                ("worker, PostgreSQL", server.get_uri("bench_checks")),
            ):
                data = Path(folder) / setup.replace(", ", "-").replace(" ", "-")
                result = asyncio.run(one(setup, data, url, notes))
                results.append(result)
                print(json.dumps(result), flush=True)
        finally:
            server.cleanup()
    base = results[0]["median_s"]
    for r in results:
        r["over_here_ms"] = round((r["median_s"] - base) * 1000)
    print(json.dumps({"machine": f"{os.cpu_count()} cores", "results": results}, indent=2))


if __name__ == "__main__":
    main()
