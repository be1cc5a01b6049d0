"""``voicebot worker`` (the engine alone, e.g. on a GPU host sharing the data directory) and
``voicebot run`` (worker and bots in one process, the embedded default)."""

from __future__ import annotations

import argparse
import asyncio
import logging
import signal
import sys
from typing import Any

from bot.config import Config

log = logging.getLogger("voicebot.worker")
HOUSEKEEPING_S = 3600


def add_commands(commands: Any) -> None:
    worker = commands.add_parser("worker", help="serve the job queue: training and speech")
    run = commands.add_parser("run", help="the worker and the enabled chat bots, in one process")
    for parser in (worker, run):
        parser.add_argument("--concurrency", type=int, help="jobs at once (default: engine.concurrency)")
        parser.add_argument("--lease", type=float, help="seconds before a silent worker's job is requeued")


def run_worker(args: argparse.Namespace, config: Config) -> int:
    asyncio.run(_serve(args, config))
    return 0


async def _serve(args: argparse.Namespace, config: Config) -> None:
    from bot.app import open_context
    from engine.backends.base import EngineUnavailable
    from engine.espeak import espeak
    from engine.worker import Worker
    from handlers.jobs import runners

    async with open_context(config) as ctx:
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
            runners(ctx),
            concurrency=concurrency,
            lease_s=args.lease or config.engine.lease_s,
        )
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGTERM, signal.SIGINT):
            loop.add_signal_handler(sig, worker.stop)
        if args.command == "run" and not (config.telegram.enabled or config.discord.enabled):
            log.info("no chat platform is enabled in the config; serving the queue only")
        log.info("worker %s ready on %s, serving %s", worker.id, ctx.ingestor.encoder.device, worker.kinds)
        chores = asyncio.create_task(_housekeeping(ctx))
        sys.stderr.write(f"worker ready: {worker.id}\n")
        sys.stderr.flush()
        try:
            await worker.run()
        finally:
            chores.cancel()
        log.info("worker %s stopped", worker.id)


async def _housekeeping(ctx: Any) -> None:
    """Time-based deletions (expired voices, old jobs and audit entries), hourly."""
    from handlers.maintenance import housekeeping

    while True:
        try:
            done = await housekeeping(ctx)
            log.info("housekeeping: %s", done)
        except Exception:
            log.exception("housekeeping failed; trying again in an hour")
        await asyncio.sleep(HOUSEKEEPING_S)
