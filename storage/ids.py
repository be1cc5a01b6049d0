"""Unguessable identifiers and timestamps shared by the repositories."""

from __future__ import annotations

import re
import secrets
from datetime import UTC, datetime

_ID = re.compile(r"^[a-z]+_[0-9a-f]{12}_[0-9a-f]{12}$")


def new_id(prefix: str) -> str:
    """``voice_1f2e3d4c5b6a_798812ab34cd``: 96 random bits, shaped like the contract's ids."""
    return f"{prefix}_{secrets.token_hex(6)}_{secrets.token_hex(6)}"


def is_id(value: str, prefix: str) -> bool:
    return bool(_ID.match(value)) and value.startswith(prefix + "_")


def now() -> datetime:
    return datetime.now(UTC)


def iso(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
