"""Users and their consent records."""

from __future__ import annotations

import json
from typing import Any

import aiosqlite

from storage.db import fetch_all, fetch_one
from storage.ids import iso, now
from storage.records import Consent, Platform, User


class UserRepo:
    def __init__(self, conn: aiosqlite.Connection) -> None:
        self._conn = conn

    async def get_or_create(self, platform: Platform, platform_user_id: str, locale: str = "en") -> User:
        if (known := await self.find(platform, platform_user_id)) is not None:  # the usual case: no write
            return known
        await self._conn.execute(
            "INSERT INTO users (platform, platform_user_id, locale, created_at) VALUES (?, ?, ?, ?)"
            " ON CONFLICT (platform, platform_user_id) DO NOTHING",
            (platform, str(platform_user_id), locale, iso(now())),
        )
        await self._conn.commit()
        user = await self.find(platform, platform_user_id)
        assert user is not None
        return user

    async def find(self, platform: Platform, platform_user_id: str) -> User | None:
        """The person behind a platform account: the account itself, or the one it is linked to."""
        row = await fetch_one(
            self._conn,
            "SELECT u.* FROM users AS own LEFT JOIN user_links AS l ON l.alias_id = own.id"
            " JOIN users AS u ON u.id = COALESCE(l.primary_id, own.id)"
            " WHERE own.platform = ? AND own.platform_user_id = ?",
            (platform, str(platform_user_id)),
        )
        return User.from_row(row) if row else None

    async def own(self, platform: Platform, platform_user_id: str) -> User:
        """The platform account's own row (created if new), whatever it is linked to."""
        await self.get_or_create(platform, platform_user_id)
        row = await fetch_one(
            self._conn,
            "SELECT * FROM users WHERE platform = ? AND platform_user_id = ?",
            (platform, str(platform_user_id)),
        )
        return User.from_row(row)

    async def link(self, alias_id: int, primary_id: int) -> None:
        await self._conn.execute(
            "INSERT INTO user_links (alias_id, primary_id, linked_at) VALUES (?, ?, ?)"
            " ON CONFLICT (alias_id) DO UPDATE SET primary_id = excluded.primary_id,"
            " linked_at = excluded.linked_at",
            (alias_id, primary_id, iso(now())),
        )
        await self._conn.commit()

    async def linked(self, user_id: int) -> list[int]:
        """The accounts that are one person with this one (itself first)."""
        rows = await fetch_all(
            self._conn,
            "WITH root AS (SELECT COALESCE((SELECT primary_id FROM user_links WHERE alias_id = ?), ?) AS id)"
            " SELECT id FROM root"
            " UNION SELECT alias_id FROM user_links WHERE primary_id = (SELECT id FROM root)",
            (user_id, user_id),
        )
        others = [int(r["id"]) for r in rows if int(r["id"]) != user_id]
        return [user_id, *others]

    async def unlink(self, user_id: int) -> int:
        """Every link of this account, either way; how many went."""
        cur = await self._conn.execute(
            "DELETE FROM user_links WHERE alias_id = ? OR primary_id = ?", (user_id, user_id)
        )
        await self._conn.commit()
        return cur.rowcount

    async def issue_code(self, user_id: int, code_hash: str, expires_at: str) -> None:
        """One live code per person; expired ones are swept."""
        await self._conn.execute(
            "DELETE FROM link_codes WHERE user_id = ? OR expires_at < ?", (user_id, iso(now()))
        )
        await self._conn.execute(
            "INSERT INTO link_codes (code_hash, user_id, expires_at) VALUES (?, ?, ?)",
            (code_hash, user_id, expires_at),
        )
        await self._conn.commit()

    async def take_code(self, code_hash: str) -> int | None:
        """The user a live code was issued to; the code is used up."""
        row = await fetch_one(
            self._conn,
            "DELETE FROM link_codes WHERE code_hash = ? RETURNING user_id, expires_at",
            (code_hash,),
        )
        await self._conn.commit()
        return int(row["user_id"]) if row and row["expires_at"] >= iso(now()) else None

    async def get(self, user_id: int) -> User | None:
        row = await fetch_one(self._conn, "SELECT * FROM users WHERE id = ?", (user_id,))
        return User.from_row(row) if row else None

    async def set_locale(self, user_id: int, locale: str) -> None:
        await self._conn.execute("UPDATE users SET locale = ? WHERE id = ?", (locale, user_id))
        await self._conn.commit()

    async def save_settings(self, user_id: int, settings: dict[str, Any]) -> None:
        await self._conn.execute(
            "UPDATE users SET settings = ? WHERE id = ?", (json.dumps(settings, sort_keys=True), user_id)
        )
        await self._conn.commit()

    async def delete(self, user_id: int) -> bool:
        """Remove the user row; every owned row goes with it (ON DELETE CASCADE)."""
        cur = await self._conn.execute("DELETE FROM users WHERE id = ?", (user_id,))
        await self._conn.commit()
        return cur.rowcount > 0


class ConsentRepo:
    def __init__(self, conn: aiosqlite.Connection) -> None:
        self._conn = conn

    async def accept(self, user_id: int, statement_version: str, statement_hash: str, method: str) -> Consent:
        made = await fetch_one(  # stepped to its end at once: an open RETURNING broke others' commits
            self._conn,
            "INSERT INTO consents (user_id, statement_version, statement_hash, method, accepted_at)"
            " VALUES (?, ?, ?, ?, ?) RETURNING id",
            (user_id, statement_version, statement_hash, method, iso(now())),
        )
        await self._conn.commit()
        consent = await self._get(made[0])
        assert consent is not None
        return consent

    async def active(self, user_id: int) -> Consent | None:
        row = await fetch_one(
            self._conn,
            "SELECT * FROM consents WHERE user_id = ? AND revoked_at IS NULL ORDER BY id DESC LIMIT 1",
            (user_id,),
        )
        return Consent(**dict(row)) if row else None

    async def for_user(self, user_id: int) -> list[Consent]:
        """Every acceptance, revoked ones too (the proof of what was agreed, and when)."""
        rows = await fetch_all(self._conn, "SELECT * FROM consents WHERE user_id = ? ORDER BY id", (user_id,))
        return [Consent(**dict(r)) for r in rows]

    async def revoke(self, user_id: int) -> int:
        cur = await self._conn.execute(
            "UPDATE consents SET revoked_at = ? WHERE user_id = ? AND revoked_at IS NULL",
            (iso(now()), user_id),
        )
        await self._conn.commit()
        return cur.rowcount

    async def _get(self, consent_id: int | None) -> Consent | None:
        row = await fetch_one(self._conn, "SELECT * FROM consents WHERE id = ?", (consent_id,))
        return Consent(**dict(row)) if row else None
