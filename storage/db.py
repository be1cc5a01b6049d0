"""SQLite connection and versioned migrations.

Migrations are the numbered ``migrations/NNNN_*.sql`` files; ``PRAGMA user_version`` records the
last one applied. Each runs in its own transaction, so a failed migration leaves the previous version.
"""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from importlib import resources
from pathlib import Path

import aiosqlite

_MIGRATION_NAME = re.compile(r"^(\d{4})_[a-z0-9_]+\.sql$")


def migrations() -> list[tuple[int, str, str]]:
    """(version, name, sql) for every bundled migration, in order."""
    found = []
    for entry in resources.files("storage").joinpath("migrations").iterdir():
        match = _MIGRATION_NAME.match(entry.name)
        if match:
            found.append((int(match.group(1)), entry.name, entry.read_text(encoding="utf-8")))
    found.sort()
    versions = [v for v, _, _ in found]
    if versions != list(range(1, len(versions) + 1)):
        raise RuntimeError(f"migration numbers must run 1..n without gaps, got {versions}")
    return found


async def fetch_one(conn: aiosqlite.Connection, sql: str, params: tuple = ()) -> aiosqlite.Row | None:
    rows = await fetch_all(conn, sql, params)
    return rows[0] if rows else None


async def fetch_all(conn: aiosqlite.Connection, sql: str, params: tuple = ()) -> list[aiosqlite.Row]:
    # One call on aiosqlite's thread (execute, fetch, close): no other task's statement or commit
    # can land while this statement is still open ("cannot commit - SQL statements in progress").
    return list(await conn.execute_fetchall(sql, params))


async def schema_version(conn: aiosqlite.Connection) -> int:
    row = await fetch_one(conn, "PRAGMA user_version")
    return int(row[0])


async def migrate(conn: aiosqlite.Connection) -> list[str]:
    """Apply pending migrations; returns the names applied."""
    current = await schema_version(conn)
    known = migrations()
    if current > len(known):
        raise RuntimeError(
            f"database schema version {current} is newer than this voicebot ({len(known)}); upgrade voicebot"
        )
    applied = []
    for version, name, sql in known[current:]:
        # executescript commits any open transaction first; BEGIN/COMMIT make the step atomic.
        try:
            await conn.executescript(f"BEGIN;\n{sql}\nPRAGMA user_version = {version};\nCOMMIT;")
        except Exception:
            await conn.rollback()
            raise
        applied.append(name)
    return applied


@asynccontextmanager
async def connect(path: Path) -> AsyncIterator[aiosqlite.Connection]:
    """Open the database in WAL mode with foreign keys on, migrated to the latest version."""
    path.parent.mkdir(parents=True, exist_ok=True)
    conn = await aiosqlite.connect(path)
    try:
        conn.row_factory = aiosqlite.Row
        await conn.execute("PRAGMA journal_mode = WAL")
        # Every commit reaches the disk: a job's state change must survive a power cut.
        await conn.execute("PRAGMA synchronous = FULL")
        await conn.execute("PRAGMA busy_timeout = 10000")
        # Migrations rebuild tables, which must not fire foreign-key actions; checked right after.
        await conn.execute("PRAGMA foreign_keys = OFF")
        await migrate(conn)
        if await fetch_one(conn, "PRAGMA foreign_key_check"):
            raise RuntimeError("the database breaks a foreign key after migration")
        await conn.execute("PRAGMA foreign_keys = ON")
        yield conn
    finally:
        await conn.close()
