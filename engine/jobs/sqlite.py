"""The embedded job queue: SQLite in WAL mode, shared by every process on one data directory.

The records are ``engine.jobs.records``'; the claim is here. Every state change is one statement
(claims use ``UPDATE … WHERE id = (SELECT …) RETURNING``), so two workers can never hold the same
job, and each is committed with ``synchronous = FULL``.
"""

from __future__ import annotations

import json
import time

from engine.jobs.queue import Claim
from engine.jobs.records import RecordQueue
from storage.db import fetch_one
from storage.ids import iso, now


class SqliteQueue(RecordQueue):
    async def claim(self, worker_id: str, kinds: tuple[str, ...], lease_s: float) -> Claim | None:
        """The next job: highest priority; within it the owner served longest ago; then the oldest. A
        speech job just queued in a voice another worker has loaded (and a free slot for) is left
        to that worker for ``warm_s``."""
        stamp = time.time()
        marks = ", ".join("?" for _ in kinds)
        held, since = await self._warm_elsewhere(worker_id) if "speak" in kinds else ([], "")
        marked = ", ".join("?" * len(held))
        hold = (
            f" AND NOT (j.kind = 'speak' AND j.updated_at > ? AND j.voice_id IN ({marked}))" if held else ""
        )
        row = await fetch_one(
            self._conn,
            "UPDATE jobs SET status = 'running', worker_id = ?, lease_until = ?, attempts = attempts + 1,"
            " claim_seq = (SELECT COALESCE(MAX(claim_seq), 0) + 1 FROM jobs),"
            " started_at = COALESCE(started_at, ?), updated_at = ?"
            " WHERE id = (SELECT j.id FROM jobs j"
            f" WHERE j.status = 'queued' AND j.not_before <= ? AND j.kind IN ({marks}){hold if held else ''}"
            " ORDER BY j.priority DESC,"
            " (SELECT COALESCE(MAX(k.claim_seq), 0) FROM jobs k WHERE k.owner_id = j.owner_id),"
            " j.rowid LIMIT 1)"
            " RETURNING id, owner_id, kind, voice_id, payload, attempts, max_tries, checkpoint",
            (worker_id, stamp + lease_s, stamp, iso(now()), stamp, *kinds, *((since, *held) if held else ())),
        )
        if row is None:
            await self._conn.commit()
            return None
        await self._event(row["id"], "started", {"attempt": row["attempts"], "worker": worker_id})
        await self._conn.commit()
        return Claim(
            row["id"],
            row["owner_id"],
            row["kind"],
            row["voice_id"],
            json.loads(row["payload"]),
            row["attempts"],
            row["max_tries"],
            json.loads(row["checkpoint"]) if row["checkpoint"] else None,
        )
