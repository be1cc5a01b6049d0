"""Voice-verified consent: challenges to read and the recordings that answered them. Every method
takes the owner: no row is reachable without it."""

from __future__ import annotations

import secrets
from datetime import timedelta

import aiosqlite

from storage.db import fetch_one
from storage.ids import iso, new_id, now
from storage.records import Challenge, VoiceConsent


class VoiceConsentRepo:
    def __init__(self, conn: aiosqlite.Connection) -> None:
        self._conn = conn

    async def issue(
        self, owner_id: int, voice_id: str | None, language: str, sentence_for, digits: int, ttl_s: float
    ) -> Challenge:
        """A new challenge for the voice (its earlier open ones are withdrawn: one code at a time).
        ``sentence_for(code)`` words it in the voice's language."""
        code = "".join(secrets.choice("0123456789") for _ in range(digits))
        created = now()
        await self._conn.execute(
            "UPDATE consent_challenges SET used_at = ? WHERE owner_id = ?"
            " AND COALESCE(voice_id, '') = COALESCE(?, '')"
            " AND used_at IS NULL",
            (iso(created), owner_id, voice_id),
        )
        challenge_id = new_id("chl")
        await self._conn.execute(
            "INSERT INTO consent_challenges (id, owner_id, voice_id, language, code, sentence,"
            " created_at, expires_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            (
                challenge_id, owner_id, voice_id, language, code, sentence_for(code),
                iso(created), iso(created + timedelta(seconds=ttl_s)),
            ),
        )  # fmt: skip
        await self._conn.commit()
        challenge = await self.challenge(owner_id, challenge_id)
        assert challenge is not None
        return challenge

    async def challenge(self, owner_id: int, challenge_id: str) -> Challenge | None:
        row = await fetch_one(
            self._conn,
            "SELECT * FROM consent_challenges WHERE id = ? AND owner_id = ?",
            (challenge_id, owner_id),
        )
        return Challenge(**dict(row)) if row else None

    async def open_challenge(self, owner_id: int, voice_id: str | None) -> Challenge | None:
        """The voice's challenge still to be answered (not used, not expired)."""
        row = await fetch_one(
            self._conn,
            "SELECT * FROM consent_challenges WHERE owner_id = ?"
            " AND COALESCE(voice_id, '') = COALESCE(?, '') AND used_at IS NULL"
            " AND expires_at > ? ORDER BY created_at DESC LIMIT 1",
            (owner_id, voice_id, iso(now())),
        )
        return Challenge(**dict(row)) if row else None

    async def use(self, owner_id: int, challenge_id: str) -> bool:
        """Spend a challenge; False when it was spent already (two answers racing) or expired."""
        cur = await self._conn.execute(
            "UPDATE consent_challenges SET used_at = ? WHERE id = ? AND owner_id = ? AND used_at IS NULL"
            " AND expires_at > ?",
            (iso(now()), challenge_id, owner_id, iso(now())),
        )
        await self._conn.commit()
        return cur.rowcount == 1

    async def seen(self, owner_id: int, recording_hash: str) -> bool:
        """Whether this very recording answered a challenge before (a replay)."""
        row = await fetch_one(
            self._conn,
            "SELECT 1 FROM voice_consents WHERE owner_id = ? AND recording_hash = ?",
            (owner_id, recording_hash),
        )
        return row is not None

    async def record(self, consent: VoiceConsent) -> None:
        await self._conn.execute(
            "INSERT INTO voice_consents (voice_id, owner_id, challenge_id, sentence_hash,"
            " words_checked, heard, speaker_score, embedding, recording_hash, created_at)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (voice_id) DO UPDATE SET"
            " owner_id = excluded.owner_id, challenge_id = excluded.challenge_id,"
            " sentence_hash = excluded.sentence_hash, words_checked = excluded.words_checked,"
            " heard = excluded.heard, speaker_score = excluded.speaker_score,"
            " embedding = excluded.embedding, recording_hash = excluded.recording_hash,"
            " created_at = excluded.created_at",
            (
                consent.voice_id, consent.owner_id, consent.challenge_id, consent.sentence_hash,
                int(consent.words_checked), consent.heard, consent.speaker_score, consent.embedding,
                consent.recording_hash, consent.created_at,
            ),
        )  # fmt: skip
        await self._conn.commit()

    async def get(self, owner_id: int, voice_id: str) -> VoiceConsent | None:
        row = await fetch_one(
            self._conn,
            "SELECT * FROM voice_consents WHERE voice_id = ? AND owner_id = ?",
            (voice_id, owner_id),
        )
        if row is None:
            return None
        return VoiceConsent(**(dict(row) | {"words_checked": bool(row["words_checked"])}))

    async def prune(self) -> int:
        """Challenges answered, withdrawn or expired: nothing to keep them for (the consent row keeps
        the hash of the sentence read)."""
        cur = await self._conn.execute(
            "DELETE FROM consent_challenges WHERE used_at IS NOT NULL OR expires_at <= ?", (iso(now()),)
        )
        await self._conn.commit()
        return cur.rowcount
