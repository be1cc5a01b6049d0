"""HTTP API keys: made with a secret shown once, kept as its SHA-256, found by that hash."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass

import aiosqlite

from storage.db import fetch_all, fetch_one
from storage.ids import iso, new_id, now

PREFIX = "vb_"


@dataclass(frozen=True, slots=True)
class ApiKey:
    id: str
    owner_id: int
    name: str
    created_at: str
    last_used_at: str | None
    revoked_at: str | None


def digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


class ApiKeyRepo:
    def __init__(self, conn: aiosqlite.Connection) -> None:
        self._conn = conn

    async def create(self, owner_id: int, name: str = "") -> tuple[ApiKey, str]:
        """A new key and its secret (256 random bits); only the secret's hash is stored."""
        secret = PREFIX + secrets.token_urlsafe(32)
        key_id, created = new_id("key"), iso(now())
        await self._conn.execute(
            "INSERT INTO api_keys (id, owner_id, key_hash, name, created_at) VALUES (?, ?, ?, ?, ?)",
            (key_id, owner_id, digest(secret), name, created),
        )
        await self._conn.commit()
        return ApiKey(key_id, owner_id, name, created, None, None), secret

    async def owner_of(self, secret: str) -> int | None:
        """The owner of a live key (its use noted to the minute, so a busy key is not a write per
        request); None for an unknown or revoked one."""
        row = await fetch_one(
            self._conn,
            "SELECT id, owner_id, last_used_at FROM api_keys WHERE key_hash = ? AND revoked_at IS NULL",
            (digest(secret),),
        )
        if row is None:
            return None
        stamp = iso(now())
        if (row["last_used_at"] or "")[:16] != stamp[:16]:
            await self._conn.execute("UPDATE api_keys SET last_used_at = ? WHERE id = ?", (stamp, row["id"]))
            await self._conn.commit()
        return int(row["owner_id"])

    async def list(self, owner_id: int) -> list[ApiKey]:
        rows = await fetch_all(
            self._conn,
            "SELECT id, owner_id, name, created_at, last_used_at, revoked_at FROM api_keys"
            " WHERE owner_id = ? ORDER BY created_at",
            (owner_id,),
        )
        return [ApiKey(**dict(r)) for r in rows]

    async def revoke(self, owner_id: int, key_id: str) -> bool:
        cur = await self._conn.execute(
            "UPDATE api_keys SET revoked_at = ? WHERE id = ? AND owner_id = ? AND revoked_at IS NULL",
            (iso(now()), key_id, owner_id),
        )
        await self._conn.commit()
        return cur.rowcount == 1
