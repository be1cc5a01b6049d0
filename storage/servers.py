"""Chat servers' own settings and their daily usage (for per-server quotas)."""

from __future__ import annotations

import datetime
import json
from typing import Any

import aiosqlite

from storage.db import fetch_one
from storage.ids import iso, now


class ServerRepo:
    def __init__(self, conn: aiosqlite.Connection) -> None:
        self._conn = conn

    async def settings(self, platform: str, server_id: str) -> dict[str, Any]:
        row = await fetch_one(
            self._conn,
            "SELECT settings FROM servers WHERE platform = ? AND server_id = ?",
            (platform, server_id),
        )
        return json.loads(row["settings"]) if row else {}

    async def save(self, platform: str, server_id: str, settings: dict[str, Any]) -> None:
        await self._conn.execute(
            "INSERT INTO servers (platform, server_id, settings, updated_at) VALUES (?, ?, ?, ?)"
            " ON CONFLICT (platform, server_id) DO UPDATE SET settings = excluded.settings,"
            " updated_at = excluded.updated_at",
            (platform, server_id, json.dumps(settings, sort_keys=True), iso(now())),
        )
        await self._conn.commit()

    async def used(self, platform: str, server_id: str, owner_id: int, kind: str) -> None:
        await self._conn.execute(
            "INSERT INTO server_usage (platform, server_id, owner_id, kind, at) VALUES (?, ?, ?, ?, ?)",
            (platform, server_id, owner_id, kind, iso(now())),
        )
        await self._conn.commit()

    async def usage(self, platform: str, server_id: str, kind: str, hours: float = 24) -> int:
        since = iso(now() - datetime.timedelta(hours=hours))
        row = await fetch_one(
            self._conn,
            "SELECT COUNT(*) AS n FROM server_usage"
            " WHERE platform = ? AND server_id = ? AND kind = ? AND at >= ?",
            (platform, server_id, kind, since),
        )
        return int(row["n"]) if row else 0

    async def delete(self, platform: str, server_id: str) -> bool:
        """The server's settings and usage (the bot was removed from it)."""
        cur = await self._conn.execute(
            "DELETE FROM servers WHERE platform = ? AND server_id = ?", (platform, server_id)
        )
        await self._conn.execute(
            "DELETE FROM server_usage WHERE platform = ? AND server_id = ?", (platform, server_id)
        )
        await self._conn.commit()
        return cur.rowcount > 0

    async def prune(self, hours: float = 48) -> int:
        """Usage older than any quota looks at."""
        cur = await self._conn.execute(
            "DELETE FROM server_usage WHERE at < ?", (iso(now() - datetime.timedelta(hours=hours)),)
        )
        await self._conn.commit()
        return cur.rowcount
