from __future__ import annotations

import sqlite3

import pytest

from storage import Storage
from storage.db import connect, migrations, schema_version


async def test_migrations_apply_once_in_wal_mode(tmp_path):
    async with connect(tmp_path / "db.sqlite3") as conn:
        assert await schema_version(conn) == len(migrations())
        async with conn.execute("PRAGMA journal_mode") as cur:
            assert (await cur.fetchone())[0] == "wal"
        async with conn.execute("PRAGMA foreign_keys") as cur:
            assert (await cur.fetchone())[0] == 1
        async with conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'") as cur:
            tables = {row[0] for row in await cur.fetchall()}
    assert {"users", "consents", "voices", "samples", "jobs", "generations", "audit_log"} <= tables
    # Re-opening applies nothing new and keeps the data.
    async with connect(tmp_path / "db.sqlite3") as conn:
        assert await schema_version(conn) == len(migrations())


async def test_newer_database_is_refused(tmp_path):
    path = tmp_path / "db.sqlite3"
    with sqlite3.connect(path) as raw:
        raw.execute(f"PRAGMA user_version = {len(migrations()) + 1}")
    with pytest.raises(RuntimeError, match="newer than this voicebot"):
        async with connect(path):
            pass


async def test_user_consent_and_audit_records(tmp_path, database):
    async with Storage.open(tmp_path, database) as st:
        user = await st.users.get_or_create("telegram", "42", "it")
        assert (await st.users.get_or_create("telegram", "42")).id == user.id
        assert user.locale == "it"
        consent = await st.consents.accept(user.id, "v1", "abc123", "button")
        assert (await st.consents.active(user.id)) == consent
        assert await st.consents.revoke(user.id) == 1
        assert await st.consents.active(user.id) is None
        await st.audit.log(user.id, "consent.revoked", None, version="v1")
        entries = await st.audit.for_user(user.id)
        assert [e.action for e in entries] == ["consent.revoked"]


async def test_generation_receipts_add_up(tmp_path, database):
    async with Storage.open(tmp_path, database) as st:
        user = await st.users.get_or_create("discord", "7")
        await st.generations.record(
            user.id, None, text_chars=2, duration=1.5, format="mp3", sample_rate=44100
        )
        assert await st.generations.seconds_since(user.id, "2000-01-01T00:00:00Z") == 1.5


async def test_postgresql_has_the_same_tables_and_columns_as_sqlite(tmp_path, postgres_server):
    """The baseline and each postgresql/NNNN migration keep the two schemas one (rowid aside)."""
    from tests.postgres import fresh_database

    async with Storage.open(tmp_path / "lite") as lite:
        names = await lite.conn.execute_fetchall(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
        )
        sqlite = {
            name: {col[1] for col in await lite.conn.execute_fetchall(f"PRAGMA table_info({name})")}
            for (name,) in names
        }
    async with Storage.open(tmp_path / "pg", fresh_database(postgres_server)) as pg:
        rows = await pg.conn.execute_fetchall(
            "SELECT table_name, column_name FROM information_schema.columns WHERE table_schema = 'public'"
            " AND table_name NOT LIKE 'procrastinate%' AND table_name != 'schema_version'"
            " AND column_name != 'rowid'"
        )
        assert await schema_version(pg.conn) == len(migrations())
    postgres: dict[str, set[str]] = {}
    for table, column in rows:
        postgres.setdefault(table, set()).add(column)
    assert postgres == sqlite


async def test_many_people_consenting_at_once_on_one_connection(tmp_path, database):
    """What ``make load`` found: an INSERT … RETURNING read with ``fetchone`` stayed open on the
    shared connection, and other tasks' commits failed ("SQL statements in progress")."""
    import asyncio

    async with Storage.open(tmp_path, database) as st:
        users = [await st.users.get_or_create("telegram", str(n)) for n in range(40)]

        async def consent_and_log(n: int, user) -> None:
            for _ in range(n % 5):  # staggered, so statements and commits of tasks interleave
                await asyncio.sleep(0)
            await st.consents.accept(user.id, "v1", "h", "button")
            await st.audit.log(user.id, "consent.accepted")

        await asyncio.gather(*(consent_and_log(n, u) for n, u in enumerate(users)))
        assert all([await st.consents.active(u.id) for u in users])
