"""``voicebot db migrate-to postgresql://…``: move a one-machine installation (its SQLite file) into
an empty PostgreSQL database for a pool of hosts; the file store stays where it is."""

from __future__ import annotations

import argparse
import asyncio
import re
from typing import Any

from bot.cli.output import emit, fail
from bot.config import Config, redacted


def add_commands(commands: Any) -> None:
    db = commands.add_parser("db", help="the database: move an installation to PostgreSQL")
    actions = db.add_subparsers(dest="action", required=True, metavar="ACTION")
    move = actions.add_parser("migrate-to", help="copy the SQLite database into an empty PostgreSQL one")
    move.add_argument("url", help="postgresql://user@host/db (the password from $PGPASSWORD or ~/.pgpass)")


def run_db(args: argparse.Namespace, config: Config) -> int:
    from storage.store import DB_NAME
    from storage.transfer import TransferError, copy_to_postgres

    if not re.match(r"^postgres(ql)?://", args.url):
        return fail("invalid_request", "migrate-to takes a postgresql:// URL")
    source = config.data_dir / DB_NAME
    if not source.is_file():
        return fail("not_found", f"No SQLite database at {source}")
    try:
        copied = asyncio.run(copy_to_postgres(source, args.url))
    except TransferError as exc:
        return fail("invalid_request", str(exc))
    emit(
        {
            "copied": copied,
            "database": redacted(args.url),
            "next": "set [storage] database (or $VOICEBOT_DATABASE) to this URL on every host;"
            f" keep {source.name} as a backup until the pool runs",
        }
    )
    return 0
