"""Unguessable identifiers and timestamps shared by the repositories."""

from __future__ import annotations

import secrets
from datetime import UTC, datetime


def new_id(prefix: str) -> str:
    """``voice_1f2e3d4c5b6a_798812ab34cd``: 96 random bits, shaped like the contract's ids."""
    return f"{prefix}_{secrets.token_hex(6)}_{secrets.token_hex(6)}"


def now() -> datetime:
    return datetime.now(UTC)


def iso(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
