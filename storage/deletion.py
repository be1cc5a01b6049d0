"""The deletion contract: every table that keeps a person's rows says which column makes them the
person's and how they go when the person is forgotten (Red's ``red_delete_data_for_user`` in
spirit). ``tests/storage/test_deletion.py`` fails for a table with an owner column not declared
here, and checks that forgetting someone leaves none of their rows or files.

How: "cascade" — the row references ``users`` with ON DELETE CASCADE; "explicit" —
``Storage.delete_user`` deletes it itself (``purge`` below).
"""

from __future__ import annotations

import json
from typing import Any

from storage.db import fetch_all

# Columns that name a person.
OWNER_COLUMNS = ("owner_id", "user_id", "alias_id", "primary_id", "requested_by")

PERSONAL: dict[str, tuple[tuple[str, ...], str]] = {  # table -> (its owner columns, how they go)
    "users": (("id",), "explicit"),
    "consents": (("user_id",), "cascade"),
    "voices": (("owner_id",), "cascade, after Context.delete_voice took each voice's files"),
    "samples": (("owner_id",), "cascade"),
    "jobs": (("owner_id",), "cascade (job_events with their job)"),
    "generations": (("owner_id", "requested_by"), "cascade; requested_by set null (someone else's receipt)"),
    "audit_log": (("user_id",), "explicit: the person's rows go; one anonymous line says when"),
    "server_usage": (("owner_id",), "cascade"),
    "user_links": (("alias_id", "primary_id"), "cascade"),
    "link_codes": (("user_id",), "cascade"),
    "consent_challenges": (("owner_id",), "cascade (and with their voice)"),
    "notices": (("owner_id",), "cascade"),
    "api_keys": (("owner_id",), "cascade (revoked keys too)"),
    "voice_consents": (("owner_id",), "cascade (and with their voice; the recording is in its folder)"),
}
# Not a person's: job events hang off their job, workers are the operator's, servers the server's
# (a default voice an admin lent is taken out of them: ``purge``), the deployment's facts no one's.
IMPERSONAL = ("job_events", "workers", "servers", "deployment")


async def purge(conn: Any, user_id: int) -> None:
    """What a cascade does not reach: the person's audit rows, and their voice lent to servers."""
    await conn.execute("DELETE FROM audit_log WHERE user_id = ?", (user_id,))
    for row in await fetch_all(conn, "SELECT platform, server_id, settings FROM servers"):
        settings = json.loads(row["settings"])
        if (settings.get("speakDefault") or {}).get("owner") == user_id:
            del settings["speakDefault"]
            await conn.execute(
                "UPDATE servers SET settings = ? WHERE platform = ? AND server_id = ?",
                (json.dumps(settings), row["platform"], row["server_id"]),
            )
