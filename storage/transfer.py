"""``voicebot db migrate-to postgresql://…``: an installation's SQLite database copied into an empty
PostgreSQL one, in one transaction, checked by counting every table on both sides. The file store
is untouched (the pool's hosts share it as it is)."""

from __future__ import annotations

from pathlib import Path

from storage.db import fetch_all, fetch_one, open_database

# In the order their references need (the parents first); ``workers`` are live processes, not data.
TABLES = (
    "users", "consents", "voices", "samples", "jobs", "generations", "audit_log", "job_events",
    "servers", "server_usage", "user_links", "link_codes", "consent_challenges", "voice_consents",
    "notices", "api_keys",
)  # fmt: skip
IDENTITIES = ("users", "consents", "audit_log", "notices")  # tables whose id PostgreSQL numbers


class TransferError(Exception):
    """The copy cannot be made (the target is not empty, jobs are running); nothing was written."""


async def copy_to_postgres(sqlite_path: Path, url: str) -> dict[str, int]:
    """The rows copied per table. Refused while a job is running (stop the workers first)."""
    async with open_database(sqlite_path) as lite, open_database(url) as pg:
        running = await fetch_one(lite, "SELECT COUNT(*) FROM jobs WHERE status = 'running'")
        if running[0]:
            raise TransferError(f"{running[0]} jobs are running: stop the workers, then copy")
        if (await fetch_one(pg, "SELECT COUNT(*) FROM users"))[0]:
            raise TransferError("the PostgreSQL database already has users: copy into an empty one")
        copied = {}
        try:
            for table in TABLES:
                columns = [c[1] for c in await fetch_all(lite, f"PRAGMA table_info({table})")]
                rows = await fetch_all(lite, f"SELECT {', '.join(columns)} FROM {table} ORDER BY rowid")
                await pg.copy_rows(table, columns, [tuple(r) for r in rows])
                copied[table] = len(rows)
            for table in IDENTITIES:  # new rows are numbered after the copied ones
                await pg.execute(
                    f"SELECT setval(pg_get_serial_sequence('{table}', 'id'),"
                    f" COALESCE((SELECT MAX(id) FROM {table}), 0) + 1, false)",
                    write=True,
                )
            for table, count in copied.items():
                there = (await fetch_one(pg, f"SELECT COUNT(*) FROM {table}"))[0]
                if there != count:
                    raise TransferError(f"{table}: {count} rows read, {there} written")
            await pg.commit()
        except BaseException:
            await pg.rollback()
            raise
        return copied
