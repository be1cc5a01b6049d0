"""PostgreSQL behind the same small connection API the repositories use with aiosqlite (``execute``,
``execute_fetchall``, ``commit``, ``rollback``), so one copy of their SQL serves both databases.

The SQL is written portably (``ON CONFLICT``, ``RETURNING``, ``COALESCE``, no SQLite functions); what
differs is handled here, in one place:
- placeholders: ``?`` becomes psycopg's ``%s`` (and a literal ``%`` is doubled);
- Python booleans go in as 0/1: flags are INTEGER columns in both schemas;
- rows answer by name and by position, like ``aiosqlite.Row``; PostgreSQL's tables carry a
  ``rowid`` identity column for ordering by insertion as SQLite's implicit one does, left out of
  ``keys()`` (so ``SELECT *`` gives a record the same fields on both);
- sums come back as numbers, not ``Decimal``;
- a failed statement rolls back only itself (a savepoint), as in SQLite, so a caught
  ``IntegrityError`` leaves the other pending writes in place;
- a read outside a write ends its transaction at once (no connection left "idle in transaction").
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import re
from collections.abc import Sequence
from decimal import Decimal
from typing import Any

import psycopg

log = logging.getLogger("voicebot.storage")
_PLACEHOLDER = re.compile(r"%|\?")


def translate(sql: str) -> str:
    return _PLACEHOLDER.sub(lambda m: "%%" if m.group(0) == "%" else "%s", sql)


def _param(value: Any) -> Any:
    return int(value) if isinstance(value, bool) else value


def _value(value: Any) -> Any:
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    return value


class Row(tuple):
    """By position and by name; ``dict(row)`` gives the named columns (``rowid`` left out)."""

    _names: tuple[str, ...] = ()

    def __getitem__(self, key: Any) -> Any:
        if isinstance(key, str):
            return tuple.__getitem__(self, self._names.index(key))
        return tuple.__getitem__(self, key)

    def keys(self) -> list[str]:
        return [n for n in self._names if n != "rowid"]


def _row_factory(cursor: psycopg.AsyncCursor) -> Any:
    names = tuple(c.name for c in cursor.description or ())
    kind = type("Row", (Row,), {"_names": names})

    def make(values: Sequence[Any]) -> Row:
        return kind(_value(v) for v in values)

    return make


class Cursor:
    """What a statement leaves: ``rowcount`` and its rows (already fetched)."""

    def __init__(self, rowcount: int, rows: list[Row]) -> None:
        self.rowcount, self._rows = rowcount, rows

    async def fetchone(self) -> Row | None:
        return self._rows[0] if self._rows else None

    async def fetchall(self) -> list[Row]:
        return list(self._rows)

    async def __aenter__(self) -> Cursor:
        return self

    async def __aexit__(self, *exc: object) -> None:
        return None


class PgConnection:
    dialect = "postgresql"

    def __init__(self, conn: psycopg.AsyncConnection, url: str = "") -> None:
        self._conn, self._url = conn, url
        self._writing = False  # a write is pending: reads stay in its transaction until commit
        self._lock = asyncio.Lock()  # one statement (with its savepoint) at a time on the connection

    @classmethod
    async def connect(cls, url: str) -> PgConnection:
        return cls(await cls._open(url), url)

    @staticmethod
    async def _open(url: str) -> psycopg.AsyncConnection:
        return await psycopg.AsyncConnection.connect(url, row_factory=_row_factory)

    async def _fresh(self) -> None:
        """A new connection for a lost one (the server restarted): what was pending is gone."""
        with contextlib.suppress(Exception):
            await self._conn.close()
        self._writing = False
        self._conn = await self._open(self._url)
        log.warning("database connection re-established")

    async def execute(self, sql: str, params: Sequence[Any] = (), write: bool | None = None) -> Cursor:
        """``write``: whether the statement opens a transaction the caller commits (by default,
        anything but a SELECT or WITH does). A connection lost between transactions is opened again
        and the statement retried; lost inside one, the error reaches the caller (its writes are
        gone with the connection)."""
        if write is None:
            write = not sql.lstrip()[:6].upper().startswith(("SELECT", "WITH"))
        query = translate(sql)
        values = [_param(p) for p in params]
        async with self._lock:
            if self._conn.broken or self._conn.closed:
                await self._fresh()
            pending = self._writing
            try:
                return await self._run(query, values, write)
            except psycopg.OperationalError:
                if not self._conn.broken:
                    raise
                await self._fresh()
                if pending:
                    raise
                return await self._run(query, values, write)

    async def _run(self, query: str, values: list[Any], write: bool) -> Cursor:
        async with self._conn.cursor() as cur:
            in_transaction = self._writing
            if in_transaction:
                await cur.execute("SAVEPOINT statement")
            try:
                await cur.execute(query, values)
            except psycopg.Error:
                if self._conn.broken:
                    raise
                if in_transaction:
                    await cur.execute("ROLLBACK TO SAVEPOINT statement")
                else:
                    await self._conn.rollback()
                raise
            rows = await cur.fetchall() if cur.description else []
            rowcount = cur.rowcount
            if in_transaction:
                await cur.execute("RELEASE SAVEPOINT statement")
            if write:
                self._writing = True
            elif not self._writing:
                await self._conn.commit()
        return Cursor(rowcount, rows)

    async def execute_fetchall(self, sql: str, params: Sequence[Any] = ()) -> list[Row]:
        return await (await self.execute(sql, params)).fetchall()

    async def copy_rows(self, table: str, columns: Sequence[str], rows: Sequence[Sequence[Any]]) -> None:
        """Many rows in one go, inside the pending write (``storage.transfer``)."""
        if not rows:
            return
        marks = ", ".join("%s" for _ in columns)
        async with self._lock, self._conn.cursor() as cur:
            await cur.executemany(
                f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({marks})",
                [[_param(v) for v in row] for row in rows],
            )
            self._writing = True

    async def executescript(self, script: str) -> None:
        """DDL (a migration): run as written, no placeholders."""
        async with self._lock, self._conn.cursor() as cur:
            await cur.execute(script.encode())

    async def commit(self) -> None:
        async with self._lock:
            self._writing = False
            await self._conn.commit()

    async def rollback(self) -> None:
        async with self._lock:
            self._writing = False
            if not (self._conn.broken or self._conn.closed):  # a lost one has nothing to roll back
                await self._conn.rollback()

    async def close(self) -> None:
        await self._conn.close()
