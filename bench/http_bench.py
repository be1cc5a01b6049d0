"""The HTTP API under load, server and client in separate processes (the server: ``voicebot run``'s
HTTP service with a worker, streams = 8, the embedded engine, watermark on).

    python bench/http_bench.py [--requests 3000] [--concurrency 16]

1. ``GET /v2/ai/voice-cloning/{id}/status``: requests per second and latency, keep-alive clients.
2. ``POST /v1/audio/speech`` alone: time to the first audio byte, against the engine's own time to
   its first sentence (synthesis + watermark of that sentence, in this process, same text); target
   first byte ≤ first sentence + 50 ms.
3. Eight speech streams at once: each one's first byte and end; served fairly when every stream's
   first byte comes before any stream has finished.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

TEXTS = [
    "Good morning, and welcome back. Today we look at the weather. It will rain later on.",
    "The train leaves at nine. Please be on time. The next one is an hour later.",
    "Thank you for calling. Your order has shipped. It should arrive on Friday.",
    "Here is the news. The bridge is open again. Traffic is light this evening.",
]


def _config(data: Path):
    from bot.config import Config

    return Config.model_validate({"storage": {"data_dir": str(data)}, "consent": {"policy": "text"}})


async def _prepare(data: Path) -> tuple[str, str]:
    """A person with consent, a key and an instant voice from Allison's clips."""
    from bot.app import open_context
    from handlers import apikeys, consent, jobs, voices
    from handlers.samples import SampleMeta
    from tests.audio import clips

    async with open_context(_config(data)) as ctx:
        owner = await ctx.storage.users.get_or_create("cli", "bench")
        shown = await consent.shown_to(ctx, owner.id, "en")
        await consent.accept_shown(ctx, owner.id, shown["version"], shown["hash"], True, "api")
        sent = [voices.Upload(p.name, p.read_bytes(), SampleMeta()) for p in clips("allison_en")[:8]]
        queued = await voices.submit_voice(
            ctx, owner.id, name="Allison", language="en", voice_type="instant", uploads=sent,
            consent_statement=None,
        )  # fmt: skip
        voice_id = (await jobs.wait_result(ctx, owner.id, queued["jobId"]))["voiceId"]
        return (await apikeys.create(ctx, owner.id))["apiKey"], voice_id


async def _serve(data: Path, port: int) -> None:
    from bot.app import open_context
    from bot.config import HttpConfig
    from bot.http.serve import service
    from engine.jobs.worker import Worker
    from handlers.jobs import runners

    async with open_context(_config(data)) as ctx:
        worker = Worker(ctx.engine.queue, runners(ctx), streams=8, register=False)
        working = asyncio.create_task(worker.run())
        config = HttpConfig(port=port, requests_per_minute=0)
        await asyncio.gather(working, service(ctx, config)(asyncio.Event()))


def _first_sentence_s(data: Path, voice_id: str, owner_text: str) -> float:
    """The engine alone: load, then the time to the first sentence's audio, marked."""
    import asyncio as aio

    from bot.app import open_context
    from engine.speech.render import SpeechOptions

    async def run() -> float:
        async with open_context(_config(data)) as ctx:
            owner = await ctx.storage.users.find("cli", "bench")
            prepared = await ctx.load_voice(owner.id, voice_id)
            ctx.watermarker.ready()
            times = []
            for _ in range(3):
                started = time.perf_counter()
                chunk = next(ctx.backend.synthesize(prepared, owner_text, "en", SpeechOptions()))
                ctx.watermarker.mark(chunk.audio, chunk.rate)
                times.append(time.perf_counter() - started)
            return statistics.median(times[1:])

    return aio.run(run())


async def _stream(http, key: str, voice_id: str, text: str, fmt: str) -> tuple[float, float, int]:
    started = time.perf_counter()
    first, size = None, 0
    body = {"model": "tts-1", "voice": voice_id, "input": text, "response_format": fmt}
    async with http.stream(
        "POST", "/v1/audio/speech", json=body, headers={"Authorization": f"Bearer {key}"}
    ) as r:
        assert r.status_code == 200, await r.aread()
        async for data in r.aiter_raw():
            if first is None and data:
                first = time.perf_counter() - started
            size += len(data)
    return first or 0.0, time.perf_counter() - started, size


async def _measure(url: str, key: str, voice_id: str, requests: int, concurrency: int) -> dict:
    import httpx

    out: dict = {}
    limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)
    async with httpx.AsyncClient(base_url=url, limits=limits, timeout=120) as http:
        path = f"/v2/ai/voice-cloning/{voice_id}/status"
        headers = {"Authorization": f"Bearer {key}"}
        for _ in range(50):  # warm
            (await http.get(path, headers=headers)).raise_for_status()
        latencies: list[float] = []

        async def client(n: int) -> None:
            for _ in range(n):
                t0 = time.perf_counter()
                (await http.get(path, headers=headers)).raise_for_status()
                latencies.append(time.perf_counter() - t0)

        started = time.perf_counter()
        await asyncio.gather(*(client(requests // concurrency) for _ in range(concurrency)))
        wall = time.perf_counter() - started
        latencies.sort()
        out["status"] = {
            "requests": len(latencies), "concurrency": concurrency, "rps": round(len(latencies) / wall),
            "p50_ms": round(latencies[len(latencies) // 2] * 1000, 1),
            "p99_ms": round(latencies[int(len(latencies) * 0.99)] * 1000, 1),
        }  # fmt: skip

        for fmt in ("pcm", "mp3"):
            await _stream(http, key, voice_id, TEXTS[0], fmt)  # warm
            runs = [await _stream(http, key, voice_id, text, fmt) for text in TEXTS]
            out[f"alone_{fmt}"] = {
                "first_byte_ms": [round(r[0] * 1000) for r in runs],
                "total_s": [round(r[1], 2) for r in runs],
            }

        together = await asyncio.gather(
            *(_stream(http, key, voice_id, TEXTS[i % len(TEXTS)], "mp3") for i in range(8))
        )
        firsts, ends = [r[0] for r in together], [r[1] for r in together]
        out["eight_streams"] = {
            "first_byte_s": [round(f, 2) for f in firsts],
            "end_s": [round(e, 2) for e in ends],
            "fair": max(firsts) < min(ends),
        }
    return out


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--requests", type=int, default=3000)
    parser.add_argument("--concurrency", type=int, default=16)
    parser.add_argument("--serve", nargs=2, metavar=("DATA", "PORT"))
    args = parser.parse_args()
    if args.serve:
        asyncio.run(_serve(Path(args.serve[0]), int(args.serve[1])))
        return
    with tempfile.TemporaryDirectory(prefix="voicebot-http-bench-") as folder:
        data = Path(folder)
        key, voice_id = asyncio.run(_prepare(data))
        first_sentence = _first_sentence_s(data, voice_id, TEXTS[0])
        sock = socket.socket()
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
        sock.close()
        server = subprocess.Popen([sys.executable, __file__, "--serve", str(data), str(port)], cwd=ROOT)
        try:
            deadline = time.monotonic() + 120
            while True:
                try:
                    socket.create_connection(("127.0.0.1", port), 1).close()
                    break
                except OSError:
                    if time.monotonic() > deadline or server.poll() is not None:
                        raise SystemExit("the server did not start") from None
                    time.sleep(0.2)
            url = f"http://127.0.0.1:{port}"
            result = asyncio.run(_measure(url, key, voice_id, args.requests, args.concurrency))
        finally:
            server.terminate()
            server.wait(30)
    result["engine_first_sentence_ms"] = round(first_sentence * 1000)
    for fmt in ("pcm", "mp3"):
        median = statistics.median(result[f"alone_{fmt}"]["first_byte_ms"])
        result[f"alone_{fmt}"]["median_over_engine_ms"] = round(median - first_sentence * 1000)
    result["machine"] = f"{os.cpu_count()} cores"
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
