"""The database connection (SQLite by default, PostgreSQL for a pool of hosts) and versioned
migrations.

Migrations are the numbered ``migrations/NNNN_*.sql`` files (SQLite); ``PRAGMA user_version``
records the last one applied. Each runs in its own transaction, so a failed migration leaves the
previous version. PostgreSQL starts from ``migrations/postgresql/baseline.sql`` (the schema at
``PG_BASELINE``) and takes each later migration from ``migrations/postgresql/NNNN_*.sql``; its
version is in ``schema_version``, written under an advisory lock so two hosts starting together
migrate once.
"""

from __future__ import annotations

import asyncio
import fcntl
import re
import sqlite3
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from importlib import resources
from pathlib import Path
from typing import Any

import aiosqlite
import psycopg

from storage.ids import iso, now

_MIGRATION_NAME = re.compile(r"^(\d{4})_[a-z0-9_]+\.sql$")
PG_BASELINE = 10  # the version postgresql/baseline.sql creates
_MIGRATION_LOCK = 7_421_001  # pg_advisory_xact_lock key: one migrating host at a time
BUSY_TIMEOUT_MS = 10_000  # how long a statement waits for another process's write lock on SQLite


def is_busy(exc: BaseException) -> bool:
    """Whether an error is another writer holding the database past the busy timeout (a backup,
    a second bot on the same file): nothing was written, and the same request may simply be sent
    again."""
    return isinstance(exc, sqlite3.OperationalError) and ("locked" in str(exc) or "busy" in str(exc))


Connection = Any  # aiosqlite.Connection or storage.postgres.PgConnection: the same calls
# what a unique or foreign-key violation raises, on either database
IntegrityError: tuple[type[Exception], ...] = (sqlite3.IntegrityError, psycopg.IntegrityError)


def is_postgres(target: str | Path) -> bool:
    return str(target).startswith(("postgresql://", "postgres://"))


def migrations(folder: str = "migrations") -> list[tuple[int, str, str]]:
    """(version, name, sql) for every bundled migration, in order."""
    found = []
    for entry in resources.files("storage").joinpath(folder).iterdir():
        match = _MIGRATION_NAME.match(entry.name)
        if match:
            found.append((int(match.group(1)), entry.name, entry.read_text(encoding="utf-8")))
    found.sort()
    versions = [v for v, _, _ in found]
    if folder == "migrations" and versions != list(range(1, len(versions) + 1)):
        raise RuntimeError(f"migration numbers must run 1..n without gaps, got {versions}")
    return found


async def fetch_one(conn: Connection, sql: str, params: tuple = ()) -> aiosqlite.Row | None:
    rows = await fetch_all(conn, sql, params)
    return rows[0] if rows else None


async def fetch_all(conn: Connection, sql: str, params: tuple = ()) -> list[aiosqlite.Row]:
    # One call on aiosqlite's thread (execute, fetch, close): no other task's statement or commit
    # can land while this statement is still open ("cannot commit - SQL statements in progress").
    return list(await conn.execute_fetchall(sql, params))


async def schema_version(conn: Connection) -> int:
    if getattr(conn, "dialect", "sqlite") == "postgresql":
        row = await fetch_one(conn, "SELECT COALESCE(MAX(version), 0) FROM schema_version")
        return int(row[0])
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


async def migrate_postgres(conn: Connection) -> list[str]:
    """Bring a PostgreSQL database to the latest version (the baseline first, on an empty one)."""
    known = migrations()
    later = {v: (name, sql) for v, name, sql in migrations("migrations/postgresql")}
    missing = [name for v, name, _ in known if v > PG_BASELINE and v not in later]
    if missing:
        raise RuntimeError(f"migrations without a PostgreSQL version: {', '.join(missing)}")
    applied = []
    # held to the commit (a statement that opens a write: the read after it stays in the transaction);
    # first, since even CREATE TABLE IF NOT EXISTS fails when two hosts run it at once
    await conn.execute("SELECT pg_advisory_xact_lock(?)", (_MIGRATION_LOCK,), write=True)
    await conn.executescript(
        "CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL, applied_at TEXT NOT NULL)"
    )
    current = await schema_version(conn)
    if current > len(known):
        await conn.rollback()
        raise RuntimeError(
            f"database schema version {current} is newer than this voicebot ({len(known)}); upgrade voicebot"
        )
    steps = [] if current else [(PG_BASELINE, "postgresql/baseline.sql", _baseline())]
    steps += [(v, *later[v]) for v, _, _ in known if v > max(current, PG_BASELINE)]
    try:
        for version, name, sql in steps:
            await conn.executescript(sql)
            await conn.execute(
                "INSERT INTO schema_version (version, applied_at) VALUES (?, ?)", (version, iso(now()))
            )
            applied.append(name)
        await conn.commit()
    except Exception:
        await conn.rollback()
        raise
    return applied


def _baseline() -> str:
    path = resources.files("storage").joinpath("migrations/postgresql/baseline.sql")
    return path.read_text(encoding="utf-8")


@asynccontextmanager
async def open_database(target: str | Path) -> AsyncIterator[Connection]:
    """A PostgreSQL URL or a SQLite file, migrated to the latest version."""
    if not is_postgres(target):
        async with connect(Path(target)) as conn:
            yield conn
        return
    from storage.postgres import PgConnection

    conn = await PgConnection.connect(str(target))
    try:
        await migrate_postgres(conn)
        yield conn
    finally:
        await conn.close()


@asynccontextmanager
async def _migrating(path: Path) -> AsyncIterator[None]:
    """An exclusive lock beside the database file (``voicebot.sqlite3.lock``, empty) while one
    process reads the schema version and migrates; the others then find it current."""
    handle = await asyncio.to_thread(open, path.with_name(path.name + ".lock"), "a")
    try:
        await asyncio.to_thread(fcntl.flock, handle, fcntl.LOCK_EX)
        yield
    finally:
        handle.close()  # releases the lock


@asynccontextmanager
async def connect(path: Path) -> AsyncIterator[aiosqlite.Connection]:
    """Open the database in WAL mode with foreign keys on, migrated to the latest version."""
    path.parent.mkdir(parents=True, exist_ok=True)
    conn = await aiosqlite.connect(path)
    try:
        conn.row_factory = aiosqlite.Row
        await conn.execute(f"PRAGMA busy_timeout = {int(BUSY_TIMEOUT_MS)}")
        # Every commit reaches the disk: a job's state change must survive a power cut.
        await conn.execute("PRAGMA synchronous = FULL")
        # Migrations rebuild tables, which must not fire foreign-key actions; checked right after.
        await conn.execute("PRAGMA foreign_keys = OFF")
        # Processes starting together on a new file switch it to WAL and migrate once, in turn:
        # two switching at once got SQLITE_BUSY without the busy timeout being tried.
        async with _migrating(path):
            await conn.execute("PRAGMA journal_mode = WAL")
            await migrate(conn)
        if await fetch_one(conn, "PRAGMA foreign_key_check"):
            raise RuntimeError("the database breaks a foreign key after migration")
        await conn.execute("PRAGMA foreign_keys = ON")
        yield conn
    finally:
        await conn.close()
