"""``voicebot [--config FILE] [--data-dir DIR] [--database URL] COMMAND …`` — JSON in the contract's
field names.

The package's modules import downward only: this one (parser, ``main``, ``analyze``) → ``voices``,
``worker`` → ``requests``, ``options``, ``output``."""

from __future__ import annotations

import argparse
import logging
import sys
from pathlib import Path

from bot.cli import db, users, voices, worker
from bot.cli.options import add_sample_options
from bot.cli.output import Parser, emit, fail
from bot.config import Config, ConfigError, load_config


def build_parser() -> argparse.ArgumentParser:
    parser = Parser(prog="voicebot", description="Self-hosted voice-cloning bot.")
    parser.add_argument("--config", type=Path, help="TOML config file (default: $VOICEBOT_CONFIG)")
    parser.add_argument("--data-dir", type=Path, help="data directory (default: $VOICEBOT_DATA_DIR)")
    parser.add_argument(
        "--database", help="a PostgreSQL URL for a pool of hosts (default: $VOICEBOT_DATABASE, else SQLite)"
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    analyze = commands.add_parser("analyze", help="analyse voice samples and print audioAnalysis JSON")
    add_sample_options(analyze)

    voices.add_commands(commands)
    worker.add_commands(commands)
    users.add_commands(commands)
    db.add_commands(commands)

    commands.add_parser("models", help="engine state: weights found, device, VRAM, licence")
    doctor = commands.add_parser("doctor", help="check this machine and the configuration")
    doctor.add_argument("--json", action="store_true", help="print JSON")
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    if args.command == "doctor":
        from bot.doctor import run_doctor

        return run_doctor(args.config, args.data_dir, as_json=args.json, database=args.database)
    try:
        config = load_config(
            args.config, args.data_dir, args.database or getattr(args, "pool_database", None)
        )
    except ConfigError as exc:
        return fail("config_error", str(exc))
    logging.basicConfig(level=config.logging.level, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    try:
        if args.command == "analyze":
            return _analyze(args, config)
        if args.command == "models":
            from bot.app import engine_states

            emit({"engines": engine_states(config)})
            return 0
        if args.command == "chores":
            return worker.run_chores(config)
        if args.command == "worker" and args.gpus:
            return worker.run_gpus(args.gpus, sys.argv[1:] if argv is None else argv)
        if args.command in ("worker", "run"):
            return worker.run_worker(args, config)
        if args.command == "user":
            return users.run_users(args, config)
        if args.command == "verify":
            return users.run_verify(args, config)
        if args.command == "apikey":
            return users.run_apikey(args, config)
        if args.command == "db":
            return db.run_db(args, config)
        return voices.run_command(args, config)
    except OSError as exc:  # unreadable file, full disk …: say what, not how
        return fail("io_error", f"{exc.strerror or exc}: {exc.filename or ''}".rstrip(": "))
    except Exception:
        logging.getLogger("voicebot").exception("unexpected failure")
        return fail("internal_error", "Something went wrong on our side; the details are in the log.")


def _analyze(args: argparse.Namespace, config: Config) -> int:
    from bot.cli.requests import RequestError, analysis_request

    try:
        request = analysis_request(args, config)
    except RequestError as exc:
        return fail("invalid_request", str(exc))
    from bot.app import limits
    from engine.audio.ingest import Ingestor
    from handlers.errors import Refusal
    from handlers.samples import SampleMeta
    from handlers.voices import Upload, analyze_files

    files = [
        Upload(str(ref.path), ref.path, SampleMeta(ref.transcript, ref.language, ref.emotion))
        for ref in request.samples
    ]
    try:
        report = analyze_files(
            Ingestor(limits(config)),
            files,
            request.language,
            request.voice_type,
            request.threshold,
            request.options,
        )
    except Refusal as exc:
        return fail(exc.code, exc.message, leftOut=exc.details)
    emit(report)
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
