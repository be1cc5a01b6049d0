"""Generation receipts and the audit log (jobs live in the engine's queue)."""

from __future__ import annotations

import json
from typing import Any

import aiosqlite

from storage.db import fetch_all, fetch_one
from storage.ids import iso, new_id, now
from storage.records import AuditEntry, Generation


class GenerationRepo:
    def __init__(self, conn: aiosqlite.Connection) -> None:
        self._conn = conn

    async def record(
        self,
        owner_id: int,
        voice_id: str | None,
        *,
        text_chars: int,
        duration: float,
        format: str,
        sample_rate: int,
        job_id: str | None = None,
        generation_id: str | None = None,
        fingerprint: str | None = None,
        where: dict[str, Any] | None = None,
        excerpt: str | None = None,
    ) -> Generation:
        """``generation_id``: made beforehand when the file carries it (its provenance tags);
        ``where``: platform, server, chat and (a person other than the owner) ``requestedBy``."""
        where = where or {}
        gen = Generation(
            id=generation_id or new_id("gen"),
            owner_id=owner_id,
            voice_id=voice_id,
            job_id=job_id,
            text_chars=text_chars,
            duration=duration,
            format=format,
            sample_rate=sample_rate,
            created_at=iso(now()),
            fingerprint=fingerprint,
            platform=where.get("platform"),
            server=where.get("server"),
            chat=where.get("chat"),
            requested_by=where.get("requestedBy"),
            excerpt=excerpt,
        )
        await self._conn.execute(
            "INSERT INTO generations (id, owner_id, voice_id, job_id, text_chars, duration, format,"
            " sample_rate, created_at, fingerprint, platform, server, chat, requested_by, excerpt)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
            # an item redone after its worker died: one receipt, for the file as remade
            " ON CONFLICT (id) DO UPDATE SET duration = excluded.duration,"
            " fingerprint = excluded.fingerprint",
            (
                gen.id,
                gen.owner_id,
                gen.voice_id,
                gen.job_id,
                gen.text_chars,
                gen.duration,
                gen.format,
                gen.sample_rate,
                gen.created_at,
                gen.fingerprint,
                gen.platform,
                gen.server,
                gen.chat,
                gen.requested_by,
                gen.excerpt,
            ),
        )
        await self._conn.commit()
        return gen

    async def for_voice(self, owner_id: int, voice_id: str) -> list[Generation]:
        rows = await fetch_all(
            self._conn, "SELECT * FROM generations WHERE owner_id = ? AND voice_id = ?", (owner_id, voice_id)
        )
        return [Generation(**dict(r)) for r in rows]

    async def find(
        self, generation_id: str | None = None, fingerprint: str | None = None
    ) -> Generation | None:
        """A receipt by its id (from a file's tags) or by its file's fingerprint; anybody's: the
        caller decides what the asker may see."""
        row = await fetch_one(
            self._conn,
            "SELECT * FROM generations WHERE id = ? OR (fingerprint IS NOT NULL AND fingerprint = ?)",
            (generation_id, fingerprint),
        )
        return Generation(**dict(row)) if row else None

    async def get(self, owner_id: int, generation_id: str) -> Generation | None:
        """One of the owner's receipts (another person's id finds nothing)."""
        row = await fetch_one(
            self._conn, "SELECT * FROM generations WHERE id = ? AND owner_id = ?", (generation_id, owner_id)
        )
        return Generation(**dict(row)) if row else None

    async def purge_outputs(self, before: str, files: Any) -> int:
        """Remove the speech files of receipts made before ``before`` (ISO); the receipts stay."""
        rows = await fetch_all(
            self._conn,
            "SELECT * FROM generations WHERE output_purged_at IS NULL AND created_at < ?",
            (before,),
        )
        for row in rows:
            gen = Generation(**dict(row))
            files.delete(files.output_path(gen.owner_id, gen.id, gen.format))
        await self._conn.executemany(
            "UPDATE generations SET output_purged_at = ? WHERE id = ?", [(iso(now()), r["id"]) for r in rows]
        )
        await self._conn.commit()
        return len(rows)

    async def for_owner(self, owner_id: int) -> list[Generation]:
        rows = await fetch_all(
            self._conn, "SELECT * FROM generations WHERE owner_id = ? ORDER BY created_at", (owner_id,)
        )
        return [Generation(**dict(r)) for r in rows]

    async def seconds_since(self, owner_id: int, since: str) -> float:
        """Generated audio seconds for the owner since an ISO time (for quotas)."""
        row = await fetch_one(
            self._conn,
            "SELECT COALESCE(SUM(duration), 0) FROM generations WHERE owner_id = ? AND created_at >= ?",
            (owner_id, since),
        )
        return float(row[0])

    async def recent(self, owner_id: int, limit: int = 20) -> list[Generation]:
        """The owner's latest receipts, newest first (``/usage``)."""
        rows = await fetch_all(
            self._conn,
            "SELECT * FROM generations WHERE owner_id = ? ORDER BY created_at DESC, rowid DESC LIMIT ?",
            (owner_id, limit),
        )
        return [Generation(**dict(r)) for r in rows]

    async def server_seconds_since(self, platform: str, server: str, since: str) -> float:
        """Seconds generated for a chat server since an ISO time, whoever's voice (its daily quota)."""
        row = await fetch_one(
            self._conn,
            "SELECT COALESCE(SUM(duration), 0) FROM generations"
            " WHERE platform = ? AND server = ? AND created_at >= ?",
            (platform, server, since),
        )
        return float(row[0])


class AuditRepo:
    def __init__(self, conn: aiosqlite.Connection) -> None:
        self._conn = conn

    async def log(self, user_id: int | None, action: str, subject: str | None = None, **detail: Any) -> None:
        await self._conn.execute(
            "INSERT INTO audit_log (user_id, action, subject, detail, created_at) VALUES (?, ?, ?, ?, ?)",
            (user_id, action, subject, json.dumps(detail) if detail else None, iso(now())),
        )
        await self._conn.commit()

    async def for_user(self, user_id: int) -> list[AuditEntry]:
        rows = await fetch_all(
            self._conn, "SELECT * FROM audit_log WHERE user_id = ? ORDER BY id", (user_id,)
        )
        return [AuditEntry(**dict(r)) for r in rows]

    async def purge_before(self, before: str) -> int:
        cur = await self._conn.execute("DELETE FROM audit_log WHERE created_at < ?", (before,))
        await self._conn.commit()
        return cur.rowcount
