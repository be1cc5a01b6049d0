"""Voices and their samples. Every method takes the owner: no row is reachable without it."""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

import aiosqlite

from storage.db import IntegrityError, fetch_all, fetch_one
from storage.ids import iso, new_id, now
from storage.records import Sample, Voice


class NameTakenError(ValueError):
    """The owner already has a voice with this name."""


_VOICE_FIELDS = {
    "status",
    "progress",
    "current_step",
    "error",
    "analysis",
    "engine",
    "languages",
    "voice_type",
}


class VoiceRepo:
    def __init__(self, conn: aiosqlite.Connection) -> None:
        self._conn = conn

    async def create(
        self,
        owner_id: int,
        name: str,
        languages: list[str],
        voice_type: str,
        engine: str,
        retention_days: int,
    ) -> Voice:
        created = now()
        voice_id = new_id("voice")
        try:
            await self._conn.execute(
                "INSERT INTO voices (id, owner_id, name, languages, voice_type, engine, status,"
                " created_at, expires_at) VALUES (?, ?, ?, ?, ?, ?, 'collecting', ?, ?)",
                (
                    voice_id,
                    owner_id,
                    name,
                    json.dumps(languages),
                    voice_type,
                    engine,
                    iso(created),
                    iso(created + timedelta(days=retention_days)),
                ),
            )
        except IntegrityError as exc:
            if "UNIQUE" in str(exc).upper():
                raise NameTakenError(f"you already have a voice named {name!r}") from exc
            raise
        await self._conn.commit()
        voice = await self.get(owner_id, voice_id)
        assert voice is not None
        return voice

    async def get(self, owner_id: int, voice_id: str) -> Voice | None:
        row = await fetch_one(
            self._conn, "SELECT * FROM voices WHERE id = ? AND owner_id = ?", (voice_id, owner_id)
        )
        return Voice.from_row(row) if row else None

    async def get_usable(self, owner_id: int, voice_id: str) -> Voice | None:
        """The voice if this owner may speak with it now (trained and not expired)."""
        voice = await self.get(owner_id, voice_id)
        if voice is None or voice.status != "completed" or voice.expires_at <= iso(now()):
            return None
        return voice

    async def by_name(self, owner_id: int, name: str) -> Voice | None:
        row = await fetch_one(
            self._conn, "SELECT * FROM voices WHERE owner_id = ? AND name = ?", (owner_id, name)
        )
        return Voice.from_row(row) if row else None

    async def list(self, owner_id: int) -> list[Voice]:
        rows = await fetch_all(
            self._conn, "SELECT * FROM voices WHERE owner_id = ? ORDER BY rowid", (owner_id,)
        )
        return [Voice.from_row(r) for r in rows]

    async def update(self, owner_id: int, voice_id: str, **fields: Any) -> bool:
        unknown = set(fields) - _VOICE_FIELDS
        if unknown:
            raise ValueError(f"cannot update voice fields {sorted(unknown)}")
        for key in ("analysis", "languages"):
            if key in fields and fields[key] is not None:
                fields[key] = json.dumps(fields[key])
        assignments = ", ".join(f"{key} = ?" for key in fields)
        cur = await self._conn.execute(
            f"UPDATE voices SET {assignments} WHERE id = ? AND owner_id = ?",
            (*fields.values(), voice_id, owner_id),
        )
        await self._conn.commit()
        return cur.rowcount > 0

    async def renew(self, owner_id: int, voice_id: str, retention_days: int) -> bool:
        cur = await self._conn.execute(
            "UPDATE voices SET expires_at = ? WHERE id = ? AND owner_id = ?",
            (iso(now() + timedelta(days=retention_days)), voice_id, owner_id),
        )
        await self._conn.commit()
        return cur.rowcount > 0

    async def delete(self, owner_id: int, voice_id: str) -> bool:
        """Delete the row (samples, jobs cascade). Files go through ``Storage.delete_voice``."""
        cur = await self._conn.execute(
            "DELETE FROM voices WHERE id = ? AND owner_id = ?", (voice_id, owner_id)
        )
        await self._conn.commit()
        return cur.rowcount > 0

    async def expired(self, at: str | None = None) -> list[Voice]:
        """Voices past their retention date, for the purge (owner taken from each row)."""
        rows = await fetch_all(self._conn, "SELECT * FROM voices WHERE expires_at <= ?", (at or iso(now()),))
        return [Voice.from_row(r) for r in rows]

    async def expiring(self, before: str) -> list[Voice]:
        """Voices not yet expired whose retention ends before ``before`` (reminders), all owners."""
        rows = await fetch_all(
            self._conn,
            "SELECT * FROM voices WHERE expires_at > ? AND expires_at <= ? ORDER BY expires_at",
            (iso(now()), before),
        )
        return [Voice.from_row(r) for r in rows]

    async def processing(self) -> list[Voice]:
        """Voices waiting for their training, all owners (housekeeping checks each one's job)."""
        rows = await fetch_all(self._conn, "SELECT * FROM voices WHERE status = 'processing'")
        return [Voice.from_row(r) for r in rows]


class SampleRepo:
    def __init__(self, conn: aiosqlite.Connection) -> None:
        self._conn = conn

    async def add(
        self,
        owner_id: int,
        voice_id: str,
        *,
        content_hash: str,
        duration: float,
        speech_duration: float,
        quality: str,
        metrics: dict[str, Any],
        language: str | None = None,
        emotion: str | None = None,
        transcript: str | None = None,
        embedding: bytes | None = None,
        sample_id: str | None = None,
    ) -> Sample | None:
        """Add a sample to the owner's voice; ``None`` if the voice is not theirs or it is a duplicate."""
        sample_id = sample_id or new_id("sample")
        cur = await self._conn.execute(
            "INSERT INTO samples (id, owner_id, voice_id, content_hash, duration, speech_duration, language,"
            " emotion, transcript, quality, metrics, embedding, created_at)"
            " SELECT ?, ?, id, ?, ?, ?, ?, ?, ?, ?, ?, ?, ? FROM voices WHERE id = ? AND owner_id = ?"
            " ON CONFLICT (owner_id, voice_id, content_hash) DO NOTHING",
            (
                sample_id,
                owner_id,
                content_hash,
                duration,
                speech_duration,
                language,
                emotion,
                transcript,
                quality,
                json.dumps(metrics),
                embedding,
                iso(now()),
                voice_id,
                owner_id,
            ),
        )
        await self._conn.commit()
        if cur.rowcount == 0:
            return None
        return await self.get(owner_id, sample_id)

    async def find_by_hash(self, owner_id: int, voice_id: str, content_hash: str) -> Sample | None:
        row = await fetch_one(
            self._conn,
            "SELECT * FROM samples WHERE owner_id = ? AND voice_id = ? AND content_hash = ?",
            (owner_id, voice_id, content_hash),
        )
        return Sample.from_row(row) if row else None

    async def get(self, owner_id: int, sample_id: str) -> Sample | None:
        row = await fetch_one(
            self._conn, "SELECT * FROM samples WHERE id = ? AND owner_id = ?", (sample_id, owner_id)
        )
        return Sample.from_row(row) if row else None

    async def list(self, owner_id: int, voice_id: str) -> list[Sample]:
        rows = await fetch_all(
            self._conn,
            "SELECT * FROM samples WHERE owner_id = ? AND voice_id = ? ORDER BY rowid",
            (owner_id, voice_id),
        )
        return [Sample.from_row(r) for r in rows]

    async def delete(self, owner_id: int, sample_id: str) -> bool:
        cur = await self._conn.execute(
            "DELETE FROM samples WHERE id = ? AND owner_id = ?", (sample_id, owner_id)
        )
        await self._conn.commit()
        return cur.rowcount > 0
