"""The load suite (``make load``): simulated people on all three front ends at once, on loopback.

    python bench/load.py [--people 100] [--minutes 40] [--soak-minutes 30] [--out docs/load.json]

One bot process (this one) serves Telegram (the real aiogram client), Discord (the real discord.py
client) and the HTTP API (uvicorn), as ``voicebot run --no-worker`` does; the engine work runs in
one real ``voicebot worker`` process beside it, on the same data folder (SQLite); the fake Telegram,
Discord and voice servers and the simulated people run in a third process, the crowd. Each person
gives consent, sends 3 samples, trains an instant voice and asks for 5 speeches (on Discord with
``/speak``, then joins the server's voice channel and has 10 lines said in it with ``/say``: live
jobs, played one after another in the one channel, as the fake voice server hears them). Consent
is the statement (``consent.policy = "text"``): the spoken-code check is benchmarked on its own
(bench/code_bench.py).

Reported (JSON, and a summary on stderr):
- non-engine replies (a command, a button, a status read: what the bot answers without the
  engine): p50 and p99 per front end and overall. Target p99 ≤ 100 ms.
- queue wait (submitted → started) per job kind, which is its priority (``live``: a /say line).
- peak memory (VmHWM) of the bot process and of the worker.
- fairness: Jain's index of the per-person completion times (start → last speech). Target ≥ 0.9.
- nothing lost: every person ends with 5 speeches, every job succeeded once.
- with ``--soak-minutes``: after the load, a steady trickle of speech for that long, both
  processes' memory sampled every 30 s; the growth per hour is the slope of a least-squares line.
"""

from __future__ import annotations

import argparse
import asyncio
import base64
import contextlib
import json
import multiprocessing
import os
import ssl
import statistics
import sys
import tempfile
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

# A person's pause between two messages: Telegram lets a bot send about one message a second to a
# chat, and the bot paces itself so; a person typing faster would measure that pacing, not the bot.
THINK_S = 1.2
TEXTS = [
    "Good morning, the coffee is ready.",
    "Please call me back when you have a moment.",
    "Our meeting starts at nine in the morning.",
    "Turn left at the next corner and keep going straight.",
    "Thank you so much for the lovely birthday present.",
]
LINES = 10  # /say lines per Discord person, in the voice channel
LINE = "Hello from the lounge."


@dataclass
class Person:
    front: str
    name: str
    replies: list[float] = field(default_factory=list)  # non-engine reply latencies, s
    started: float = 0.0
    finished: float | None = None
    speeches: int = 0
    lines: int = 0  # /say lines queued in the voice channel (Discord)
    error: str | None = None


def vm_hwm_mib(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return 0.0


def vm_rss_mib(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))] if ordered else float("nan")


def jain(values: list[float]) -> float:
    return sum(values) ** 2 / (len(values) * sum(v * v for v in values)) if values else float("nan")


def samples() -> list[bytes]:
    """Three voice notes (OGG/Opus) of about 8 s each, from the test speakers' recordings."""
    from tests.audio import encode, joined

    with tempfile.TemporaryDirectory() as folder:
        return [
            encode(joined("allison_en", 8.0, n), Path(folder) / f"{n}.ogg", "-c:a", "libopus").read_bytes()
            for n in range(3)
        ]


# ---- Telegram -------------------------------------------------------------------------------------


async def telegram_person(fake, person: Person, uid: int, notes: list[bytes]) -> None:
    chat = {"message_id": 1, "date": 0, "chat": {"id": uid, "type": "private"}, "text": "…"}

    async def ask(send, **match):
        mark, sent = len(fake.calls), time.monotonic()
        await send
        call = await fake.wait_for("sendMessage", after=mark, chat_id=uid, within=600, **match)
        return call, call.at - sent

    _, took = await ask(fake.message(uid, "/start"))
    person.replies.append(took)
    await asyncio.sleep(THINK_S * 2)  # the statement follows at the chat's pace, and is read
    _, took = await ask(fake.callback(uid, chat, "consent:accept"))
    person.replies.append(took)
    await asyncio.sleep(THINK_S)
    kinds, took = await ask(fake.message(uid, f"/newvoice {person.name}"))
    person.replies.append(took)
    await asyncio.sleep(THINK_S)
    rows = json.loads(kinds.params["reply_markup"])["inline_keyboard"]
    instant = next(r[0]["callback_data"] for r in rows if r[0]["callback_data"].endswith(":instant"))
    _, took = await ask(fake.callback(uid, chat, instant))
    person.replies.append(took)
    for note in notes:  # each checked by the worker: engine work, not counted as a reply
        kept, _ = await ask(fake.voice(uid, note, duration=8))
        if not kept.params["text"].startswith("Kept"):
            raise RuntimeError(f"sample not kept: {kept.params['text'][:200]}")
    await asyncio.sleep(THINK_S)
    queued, took = await ask(fake.message(uid, "/train"))
    person.replies.append(took)
    ready = queued
    while "is ready" not in ready.params["text"]:
        ready = await fake.wait_for(
            "sendMessage", after=fake.calls.index(ready) + 1, chat_id=uid, within=1200
        )
    mark = len(fake.calls)
    for text in TEXTS:
        await fake.message(uid, text)
    seen = mark
    for _ in TEXTS:
        voice = await fake.wait_for("sendVoice", after=seen, chat_id=uid, within=1200)
        seen = fake.calls.index(voice) + 1
        person.speeches += 1


# ---- Discord --------------------------------------------------------------------------------------


async def discord_person(fake, person: Person, uid: str, notes: list[bytes]) -> None:
    from tests.fake_discord import VOICE_ID

    where = {"user_id": uid, "channel_id": f"9{uid}"}

    async def first(interaction, test=bool) -> float:
        sent = time.monotonic()
        await fake.answer(interaction, test, limit_s=600)
        return time.monotonic() - sent

    person.replies.append(await first(await fake.press("consent:accept", **where)))
    files = [fake.attachment(note, f"note{n}.ogg", "audio/ogg", 8.0) for n, note in enumerate(notes)]
    options = {"name": person.name, "kind": "instant"} | {f"file{n}": f for n, f in enumerate(files, 1)}
    created = await fake.command("voice create", options, files, **where)
    kept = await fake.answer(created, lambda text: "kept" in text, limit_s=900)
    if kept.count(": kept") != len(notes):
        raise RuntimeError(f"samples not kept: {kept[:300]}")
    trained = await fake.command("voice train", **where)
    person.replies.append(await first(trained))
    await fake.answer(trained, lambda text: "is ready" in text, limit_s=1200)
    for text in TEXTS:
        spoken = await fake.command("speak", {"text": text}, **where)
        person.replies.append(await first(spoken))  # "Saying it in your voice…"
    async with asyncio.timeout(1200):
        while True:
            done = [
                c
                for c in fake.calls
                if c.path == f"/channels/9{uid}/messages" and (c.body or {}).get("files")
            ]
            if len(done) >= len(TEXTS):
                break
            fake.changed.clear()
            await fake.changed.wait()
    person.speeches = len(done)
    await fake.move(uid, VOICE_ID)
    for _ in range(LINES):  # "Queued in Lounge (place N)." at once; said when its turn comes
        said = await fake.command("say", {"text": LINE}, user_id=uid, guild=True)
        person.replies.append(await first(said, lambda text: text.startswith("Queued in")))
        person.lines += 1
        await asyncio.sleep(THINK_S)


# ---- HTTP -----------------------------------------------------------------------------------------


async def http_person(http, person: Person, key: str, notes: list[bytes]) -> None:
    me = {"Authorization": f"Bearer {key}"}

    async def timed(method: str, url: str, **kw):
        sent = time.monotonic()
        response = await http.request(method, url, headers=me, **kw)
        return response, time.monotonic() - sent

    shown, took = await timed("GET", "/v2/consent")
    person.replies.append(took)
    body = shown.json()
    accepted, took = await timed(
        "POST", "/v2/consent", json={"version": body["version"], "hash": body["hash"], "accepted": True}
    )
    person.replies.append(took)
    accepted.raise_for_status()
    created = await http.post(
        "/v2/ai/voice-cloning",
        headers=me,
        json={
            "voiceName": person.name,
            "voiceType": "instant",
            "audioSamples": [{"audioBase64": base64.b64encode(n).decode()} for n in notes],
        },
    )
    created.raise_for_status()
    voice_id = created.json()["voiceId"]
    while True:
        status, took = await timed("GET", f"/v2/ai/voice-cloning/{voice_id}/status")
        person.replies.append(took)
        state = status.json()["status"]
        if state == "completed":
            break
        if state == "failed":
            raise RuntimeError(f"training failed: {status.text[:300]}")
        await asyncio.sleep(1.0)

    async def speak(text: str) -> None:
        said = await http.post(
            f"/v2/ai/voice-cloning/{voice_id}/speak", headers=me, json={"text": text}, timeout=1200
        )
        said.raise_for_status()
        person.speeches += 1

    await asyncio.gather(*(speak(t) for t in TEXTS))


# ---- the run --------------------------------------------------------------------------------------


async def run(people: int, minutes: float, soak_minutes: float) -> dict:
    """The bot (this process), the worker and the crowd (each a process of its own)."""
    import aiohttp
    import discord
    import httpx
    import yarl

    from bot.app import open_context
    from bot.config import load_config
    from bot.discord.app import VoiceBot
    from bot.telegram.app import build
    from engine.jobs.queue import PRIORITY
    from handlers import apikeys
    from storage.db import fetch_all
    from tests.bot.http_harness import serving
    from tests.engine.jobs.test_worker_process import WorkerProcess

    spawn = multiprocessing.get_context("spawn")
    line, far_end = spawn.Pipe()
    crowd_process = spawn.Process(target=_crowd_process, args=(far_end, people, minutes), daemon=True)
    crowd_process.start()
    fakes = await _receive(line, 120)
    trusted = ssl.create_default_context()
    trusted.load_verify_locations(cadata=fakes["voiceCa"])
    aiohttp.connector._SSL_CONTEXT_VERIFIED = trusted  # the fake voice server's certificate authority
    with tempfile.TemporaryDirectory() as folder:
        data = Path(folder) / "data"
        config_path = Path(folder) / "voicebot.toml"
        config_path.write_text('[consent]\npolicy = "text"\n')
        os.environ["VOICEBOT_CONFIG"] = str(config_path)
        config = load_config(config_path, data_dir=data)
        async with open_context(config) as ctx:
            ctx.checks_here = False  # as on a bot host with no worker: the worker checks the notes
            worker = WorkerProcess(data, lease_s=30, config=config_path)
            await worker.started()
            bot, dp = build(ctx, fakes["token"], fakes["telegram"])
            discord.http.Route.BASE = fakes["api"]
            discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY = yarl.URL(fakes["gateway"])
            client = VoiceBot(ctx)
            tasks = [
                asyncio.create_task(dp.start_polling(bot, handle_signals=False, polling_timeout=10)),
                asyncio.create_task(client.start("load-token")),
            ]
            await asyncio.wait_for(client.wait_until_ready(), 60)
            async with serving(ctx) as base, httpx.AsyncClient(base_url=base, timeout=600) as http:
                keys = {}
                for n in range(2, people, 3):  # the HTTP people's keys
                    owner = await ctx.storage.users.get_or_create("cli", f"load{n}")
                    keys[str(n)] = (await apikeys.create(ctx, owner.id))["apiKey"]
                line.send({"http": base, "keys": keys})
                await _receive(line, minutes * 60 + 120)  # everyone has had their turn
                with contextlib.suppress(TimeoutError):
                    async with asyncio.timeout(600):
                        await _all_ended(ctx)  # the last /say lines are still being said
                line.send("report")
                crowd = await _receive(line, 120)
                notes = samples()
                soak = await _soak(http, notes, ctx, worker, soak_minutes) if soak_minutes else None
            rows = await fetch_all(
                ctx.storage.conn,
                "SELECT j.kind, j.priority, j.status, j.attempts,"
                " (SELECT MIN(created_at) FROM job_events e WHERE e.job_id = j.id) AS submitted,"
                " (SELECT MIN(created_at) FROM job_events e WHERE e.job_id = j.id AND e.type = 'started')"
                " AS started FROM jobs j",
            )
            memory = {
                "botMiB": round(vm_hwm_mib(os.getpid())),
                "workerMiB": round(vm_hwm_mib(worker.proc.pid)),
                "crowdMiB": round(vm_hwm_mib(crowd_process.pid)),  # the fakes and the people, apart
            }
            worker.stop()
            await dp.stop_polling()
            await client.close()
            await asyncio.gather(*tasks, return_exceptions=True)
            await bot.session.close()
    line.send("stop")
    await asyncio.to_thread(crowd_process.join, 60)
    rows = [
        dict(row) | {"kind": "live" if row["priority"] == PRIORITY["live"] else row["kind"]} for row in rows
    ]
    people_done = [Person(**p) for p in crowd["people"]]
    report = _report(people_done, rows, memory, crowd["seconds"], soak, people)
    return report | {"voiceChannel": crowd["heard"]}


async def _receive(line, within: float):
    """The crowd's next message; its end (or silence past ``within``) stops the run."""
    if not await asyncio.to_thread(line.poll, within):
        raise TimeoutError(f"the crowd said nothing for {within:.0f} s")
    return line.recv()


def _crowd_process(line, people: int, minutes: float) -> None:
    asyncio.run(_crowd(line, people, minutes))


async def _crowd(line, people: int, minutes: float) -> None:
    """The fake Telegram, Discord and voice servers and the simulated people, in their own process:
    the bot's process then holds the bot alone, and a reply's time is not the crowd's work too."""
    import httpx

    from tests.fake_discord import running_fake
    from tests.fake_telegram import FakeTelegram
    from tests.fake_voice import FakeVoice

    notes = samples()
    voice = await FakeVoice().start()
    telegram = FakeTelegram()
    url = await telegram.start()
    async with running_fake() as discord_fake:
        discord_fake.voice_endpoint = voice.endpoint
        line.send(
            {
                "telegram": url,
                "token": telegram.token,
                "api": discord_fake.api,
                "gateway": discord_fake.gateway,
                "voiceCa": voice._ca.cert_pem.bytes().decode(),
            }
        )
        go = await _receive(line, 300)
        await asyncio.wait_for(discord_fake.ready.wait(), 60)
        crowd, work = [], []
        async with httpx.AsyncClient(base_url=go["http"], timeout=600) as http:
            for n in range(people):
                front = ("telegram", "discord", "http")[n % 3]
                person = Person(front, f"Voice {n}")
                crowd.append(person)
                if front == "telegram":
                    job = telegram_person(telegram, person, 1000 + n, notes)
                elif front == "discord":
                    job = discord_person(discord_fake, person, str(2000 + n), notes)
                else:
                    job = http_person(http, person, go["keys"][str(n)], notes)
                work.append(_timed(person, job))
            began = time.monotonic()
            with contextlib.suppress(TimeoutError):
                async with asyncio.timeout(minutes * 60):
                    await asyncio.gather(*work)
            line.send("done")
            await _receive(line, 900)  # every job has ended: the lines have been said
            heard = _heard(voice) | {"linesQueued": sum(p.lines for p in crowd)}
            line.send(
                {"people": [asdict(p) for p in crowd], "heard": heard, "seconds": time.monotonic() - began}
            )
            await _receive(line, 3 * 3600)  # the bot has stopped (after the soak)
    await telegram.stop()
    await voice.close()


async def _all_ended(ctx) -> None:
    from storage.db import fetch_one

    while True:
        row = await fetch_one(
            ctx.storage.conn, "SELECT COUNT(*) AS n FROM jobs WHERE status IN ('queued', 'running')"
        )
        if not row["n"]:
            return
        await asyncio.sleep(1.0)


def _heard(voice) -> dict:
    """What the fake voice server received: 20 ms Opus packets, silence apart."""
    from engine.audio.opus import SILENCE

    spoken = [p for p in voice.packets if p.opus != SILENCE]
    span = voice.packets[-1].arrived - voice.packets[0].arrived if voice.packets else 0.0
    return {
        "packets": len(voice.packets),
        "speechSeconds": round(len(spoken) * 0.02, 1),
        "spanSeconds": round(span, 1),
    }


async def _timed(person: Person, job) -> None:
    person.started = time.monotonic()
    try:
        await job
        person.finished = time.monotonic()
    except Exception as exc:  # reported: a person who did not get all their speech
        person.error = f"{type(exc).__name__}: {exc}"[:300]


async def _soak(http, notes: list[bytes], ctx, worker, minutes: float) -> dict:
    """A speech every ~2 s in a voice of its own for ``minutes``; memory sampled every 30 s."""
    owners = await ctx.storage.users.get_or_create("cli", "soak")
    from handlers import apikeys, consent

    shown = await consent.shown_to(ctx, owners.id, "en")
    await consent.accept_shown(ctx, owners.id, shown["version"], shown["hash"], True, "api")
    key = (await apikeys.create(ctx, owners.id))["apiKey"]
    me = {"Authorization": f"Bearer {key}"}
    made = await http.post(
        "/v2/ai/voice-cloning",
        headers=me,
        json={
            "voiceName": "Soak",
            "voiceType": "instant",
            "audioSamples": [{"audioBase64": base64.b64encode(n).decode()} for n in notes],
        },
    )
    voice_id = made.json()["voiceId"]
    for _ in range(600):  # its training, read once a second
        status = (await http.get(f"/v2/ai/voice-cloning/{voice_id}/status", headers=me)).json()
        if status["status"] == "completed":
            break
        await asyncio.sleep(1)
    points: list[tuple[float, float, float]] = []
    began = time.monotonic()
    spoken = 0
    next_sample = began
    while time.monotonic() - began < minutes * 60:
        said = await http.post(
            f"/v2/ai/voice-cloning/{voice_id}/speak", headers=me, json={"text": TEXTS[spoken % len(TEXTS)]}
        )
        said.raise_for_status()
        spoken += 1
        if time.monotonic() >= next_sample:
            points.append((time.monotonic() - began, vm_rss_mib(os.getpid()), vm_rss_mib(worker.proc.pid)))
            next_sample += 30
        await asyncio.sleep(2.0)

    def slope(index: int) -> float:
        xs, ys = [p[0] / 3600 for p in points], [p[index] for p in points]
        if len(xs) < 2:
            return float("nan")
        mx, my = statistics.fmean(xs), statistics.fmean(ys)
        return sum((x - mx) * (y - my) for x, y in zip(xs, ys, strict=True)) / sum((x - mx) ** 2 for x in xs)

    return {
        "minutes": minutes,
        "speeches": spoken,
        "botGrowthMiBPerHour": round(slope(1), 1),
        "workerGrowthMiBPerHour": round(slope(2), 1),
        "samples": [[round(t), round(b), round(w)] for t, b, w in points],
    }


def _report(crowd, rows, memory, load_s, soak, people) -> dict:
    replies = {
        front: [r for p in crowd if p.front == front for r in p.replies]
        for front in ("telegram", "discord", "http")
    }
    every = [r for values in replies.values() for r in values]
    waits: dict[str, list[float]] = {}
    for row in rows:
        if row["started"] is not None and row["submitted"] is not None:
            waits.setdefault(row["kind"], []).append(row["started"] - row["submitted"])
    done = [p.finished - p.started for p in crowd if p.finished is not None]
    ms = lambda v: round(v * 1000, 1)  # noqa: E731
    return {
        "people": people,
        "seconds": round(load_s, 1),
        "complete": sum(
            p.finished is not None and p.speeches == len(TEXTS) and p.lines == LINES * (p.front == "discord")
            for p in crowd
        ),
        "errors": [f"{p.front} {p.name}: {p.error}" for p in crowd if p.error],
        "jobs": {
            "total": len(rows),
            "succeeded": sum(r["status"] == "succeeded" for r in rows),
            "retried": sum(r["attempts"] > 1 for r in rows),
        },
        "nonEngineReplies": {
            front: {"count": len(v), "p50ms": ms(percentile(v, 0.5)), "p99ms": ms(percentile(v, 0.99))}
            for front, v in {**replies, "all": every}.items()
        },
        "queueWaitSeconds": {
            kind: {"count": len(v), "p50": round(percentile(v, 0.5), 2), "p99": round(percentile(v, 0.99), 2)}
            for kind, v in sorted(waits.items())
        },
        "completionSeconds": {"p50": round(percentile(done, 0.5), 1), "max": round(max(done, default=0), 1)},
        "jain": round(jain(done), 3),
        "peakMemory": memory,
        "soak": soak,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--people", type=int, default=100)
    parser.add_argument("--minutes", type=float, default=40, help="the load's bound")
    parser.add_argument("--soak-minutes", type=float, default=0)
    parser.add_argument("--out", type=Path, help="also write the report here (JSON)")
    args = parser.parse_args()
    report = asyncio.run(run(args.people, args.minutes, args.soak_minutes))
    text = json.dumps(report, indent=2)
    print(text)
    if args.out:
        args.out.write_text(text + "\n")


if __name__ == "__main__":
    main()
