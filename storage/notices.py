"""Notices: messages to a person that no request asked for (an expiry reminder, a voice used
elsewhere), queued here by whoever has something to say and sent by the platform's bot process."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

import aiosqlite

from storage.db import fetch_all
from storage.ids import iso, now


@dataclass(frozen=True, slots=True)
class Notice:
    id: int
    owner_id: int
    platform: str
    kind: str
    subject: str
    body: dict[str, Any]
    created_at: str
    sent_at: str | None


class NoticeRepo:
    def __init__(self, conn: aiosqlite.Connection) -> None:
        self._conn = conn

    async def add(self, owner_id: int, platform: str, kind: str, subject: str, body: dict[str, Any]) -> bool:
        """Queue a notice; False when one about ``subject`` was queued already (said once)."""
        cur = await self._conn.execute(
            "INSERT INTO notices (owner_id, platform, kind, subject, body, created_at)"
            " VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING",
            (owner_id, platform, kind, subject, json.dumps(body, ensure_ascii=False), iso(now())),
        )
        await self._conn.commit()
        return cur.rowcount == 1

    async def pending(self, platform: str, limit: int = 50) -> list[Notice]:
        rows = await fetch_all(
            self._conn,
            "SELECT * FROM notices WHERE platform = ? AND sent_at IS NULL ORDER BY id LIMIT ?",
            (platform, limit),
        )
        return [Notice(**(dict(r) | {"body": json.loads(r["body"])})) for r in rows]

    async def sent(self, notice_id: int) -> None:
        await self._conn.execute("UPDATE notices SET sent_at = ? WHERE id = ?", (iso(now()), notice_id))
        await self._conn.commit()

    async def for_owner(self, owner_id: int) -> list[Notice]:
        rows = await fetch_all(
            self._conn, "SELECT * FROM notices WHERE owner_id = ? ORDER BY id", (owner_id,)
        )
        return [Notice(**(dict(r) | {"body": json.loads(r["body"])})) for r in rows]

    async def prune(self, before: str) -> int:
        """Notices sent before ``before``: their job is done."""
        cur = await self._conn.execute(
            "DELETE FROM notices WHERE sent_at IS NOT NULL AND sent_at < ?", (before,)
        )
        await self._conn.commit()
        return cur.rowcount
