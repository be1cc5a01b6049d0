"""``voicebot worker`` (the engine alone, e.g. on a GPU host sharing the data directory) and
``voicebot run`` (worker and bots in one process, the embedded default)."""

from __future__ import annotations

import argparse
import asyncio
import logging
import sys
from typing import Any

from bot.cli.output import fail
from bot.config import Config

log = logging.getLogger("voicebot.worker")


def add_commands(commands: Any) -> None:
    worker = commands.add_parser("worker", help="serve the job queue: training and speech")
    run = commands.add_parser("run", help="the worker and the enabled chat bots, in one process")
    commands.add_parser(
        "chores", help="run every periodic chore once now (expired voices, old jobs …) and print what went"
    )
    for parser in (worker, run):
        parser.add_argument("--concurrency", type=int, help="jobs at once (default: engine.concurrency)")
        parser.add_argument("--lease", type=float, help="seconds before a silent worker's job is requeued")
        parser.add_argument(  # also after the command: ``voicebot worker --database URL`` on each host
            "--database", dest="pool_database", help="the pool's PostgreSQL URL (as the global option)"
        )
    run.add_argument(
        "--no-worker",
        action="store_true",
        help="the bots only, loading no model: a pool's bot host (its workers check voice notes too)",
    )
    worker.add_argument("--gpus", help="one worker process per GPU: 'all', or device numbers such as 0,1")


def run_chores(config: Config) -> int:
    """The chores a worker schedules, once, for a deployment that runs none (or from cron)."""
    from bot.app import open_context
    from bot.cli.output import emit
    from handlers.maintenance import housekeeping

    async def once() -> dict[str, Any]:
        async with open_context(config) as ctx:
            return await housekeeping(ctx)

    emit(asyncio.run(once()))
    return 0


def devices(asked: str) -> list[str]:
    """The CUDA devices ``--gpus`` names: 'all' (every one torch sees), or '0,1'."""
    if asked.strip() != "all":
        found = [d.strip() for d in asked.split(",") if d.strip()]
        if not found or not all(d.isdigit() for d in found):
            raise ValueError("--gpus takes 'all' or device numbers such as 0,1")
        return found
    import torch

    return [str(i) for i in range(torch.cuda.device_count())]


def run_gpus(asked: str, argv: list[str]) -> int:
    """One ``voicebot worker`` per device (``CUDA_VISIBLE_DEVICES`` set for each), the same
    arguments otherwise; SIGTERM / SIGINT go to every one (each drains its jobs), and the first to
    fail does not stop the others."""
    import os
    import signal
    import subprocess
    import sys

    try:
        chosen = devices(asked)
    except ValueError as exc:
        return fail("invalid_request", str(exc))
    if not chosen:
        return fail("no_gpu", "--gpus all: no CUDA device is visible here; run 'voicebot worker' without it")
    rest = _without_gpus(argv)
    children = [
        subprocess.Popen(
            [sys.executable, "-m", "bot.cli", *rest], env={**os.environ, "CUDA_VISIBLE_DEVICES": device}
        )
        for device in chosen
    ]
    log.info("one worker per GPU: %s", ", ".join(chosen))

    def forward(signum: int, _frame: object) -> None:
        for child in children:
            if child.poll() is None:
                child.send_signal(signum)

    signal.signal(signal.SIGTERM, forward)
    signal.signal(signal.SIGINT, forward)
    return max(child.wait() for child in children)


def _without_gpus(argv: list[str]) -> list[str]:
    out, skip = [], False
    for arg in argv:
        if skip:
            skip = False
        elif arg == "--gpus":
            skip = True
        elif not arg.startswith("--gpus="):
            out.append(arg)
    return out


def run_worker(args: argparse.Namespace, config: Config) -> int:
    problems = config.problems() if args.command == "run" else []
    if problems:
        return fail("config_error", "; ".join(problems))
    from storage.store import StoreMismatch

    if args.command == "worker":
        lower_priority(config.engine.nice)
    try:
        failed = asyncio.run(_serve(args, config))
    except StoreMismatch as exc:
        return fail("store_mismatch", str(exc))
    return 1 if failed else 0


def lower_priority(nice: int) -> None:
    """Every thread: Linux gives each its own niceness, and some exist already (OpenBLAS starts its
    pool when numpy is imported); threads made later take their creator's. Never raised back
    (``nice -n 15 voicebot worker`` stays at 15)."""
    import os

    if nice <= 0:
        return
    try:
        threads = [int(tid) for tid in os.listdir("/proc/self/task")]
    except OSError:  # no /proc: this thread, and those it starts
        threads = [0]
    for tid in threads:
        try:
            if nice > os.getpriority(os.PRIO_PROCESS, tid):
                os.setpriority(os.PRIO_PROCESS, tid, nice)
        except OSError:  # a thread that ended meanwhile
            continue
    log.info("CPU priority lowered to nice %d: bots sharing this machine reply first", nice)


async def _serve(args: argparse.Namespace, config: Config) -> list[str]:
    from bot.app import open_context
    from bot.runtime import run_services
    from bot.scheduler import chores
    from engine.jobs.worker import Worker
    from engine.speech.backends.base import EngineUnavailable
    from engine.speech.espeak import espeak

    async with open_context(config) as ctx:
        await ctx.storage.check_store()  # a pool's host sees the shared store, or takes no job
        if getattr(args, "no_worker", False):
            ctx.checks_here = False  # voice notes are checked by the pool's workers
            services = {"chores": chores(ctx)} | _bots(ctx, config)
            log.info("bot host: no worker here, no model loaded")
            return await run_services(services)
        await asyncio.to_thread(espeak().synth, "Ready.", "en")  # warm: the first job pays nothing
        for name, engine in ctx.engines.items():
            try:
                await asyncio.to_thread(engine.warm_up)
                log.info("%s engine loaded and warm", name)
            except EngineUnavailable as exc:
                log.warning("%s engine unavailable (%s); serving the embedded engine", name, exc.message)
        concurrency = args.concurrency or config.engine.concurrency
        if ctx.ingestor.encoder.device == "cuda" and concurrency > 1:
            log.warning("one job at a time on a GPU: concurrency %d lowered to 1", concurrency)
            concurrency = 1
        worker = Worker(
            ctx.engine.queue,
            ctx.engine.local_runners,  # built once by the composition root
            concurrency=concurrency,
            streams=config.engine.streams,
            lease_s=args.lease or config.engine.lease_s,
            loaded=ctx.loaded_voices,  # speech in a voice loaded here comes here first
        )

        async def serve_queue(stop: asyncio.Event) -> None:
            sys.stderr.write(f"worker ready: {worker.id}\n")
            sys.stderr.flush()
            running, stopping = asyncio.create_task(worker.run()), asyncio.create_task(stop.wait())
            await asyncio.wait({running, stopping}, return_when=asyncio.FIRST_COMPLETED)
            stopping.cancel()
            worker.stop()  # running jobs go back to the queue with their checkpoints
            await running
            log.info("worker %s stopped", worker.id)

        services = {"worker": serve_queue, "chores": chores(ctx)}
        if args.command == "run":
            services |= _bots(ctx, config)
        log.info("worker %s on %s, serving %s", worker.id, ctx.ingestor.encoder.device, worker.kinds)
        return await run_services(services)


def _bots(ctx: Any, config: Config) -> dict[str, Any]:
    """The enabled chat platforms, beside the worker (tokens from the environment)."""
    from bot.runtime import until_stopped

    services = {}
    if config.telegram.enabled:
        from bot.telegram.app import run

        token = config.telegram.token()
        assert token is not None  # checked before start (config.problems)
        secret = token.get_secret_value()
        services["telegram"] = until_stopped(lambda: run(ctx, config.telegram, secret))
        log.info("telegram: %s", "webhook" if config.telegram.webhook_url else "polling")
    if config.discord.enabled:
        from bot.discord.app import run as run_discord

        token = config.discord.token()
        assert token is not None  # checked before start (config.problems)
        discord_secret = token.get_secret_value()
        services["discord"] = until_stopped(lambda: run_discord(ctx, config.discord, discord_secret))
        log.info("discord: gateway")
    if config.http.enabled:
        from bot.http.serve import service

        http = config.http
        services["http"] = service(ctx, http)
        log.info("http: %s:%d", http.host, http.port)
    if not services:
        log.info("no chat platform is enabled in the config; serving the queue only")
    return services
