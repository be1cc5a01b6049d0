"""Typed rows returned by the repositories."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any, Literal

Platform = Literal["telegram", "discord", "cli"]
VoiceStatus = Literal["collecting", "processing", "completed", "failed"]
Quality = Literal["good", "fair", "poor"]


@dataclass(frozen=True, slots=True)
class User:
    id: int
    platform: Platform
    platform_user_id: str
    locale: str
    created_at: str
    settings: dict[str, Any]  # chat speech defaults (handlers/account.py)

    @classmethod
    def from_row(cls, row: Any) -> User:
        return cls(**(dict(row) | {"settings": json.loads(row["settings"] or "{}")}))


@dataclass(frozen=True, slots=True)
class Consent:
    id: int
    user_id: int
    statement_version: str
    statement_hash: str
    method: str
    accepted_at: str
    revoked_at: str | None

    @property
    def active(self) -> bool:
        return self.revoked_at is None


@dataclass(frozen=True, slots=True)
class Voice:
    id: str
    owner_id: int
    name: str
    languages: list[str]
    voice_type: str
    engine: str
    status: VoiceStatus
    progress: float
    current_step: str | None
    error: str | None
    analysis: dict[str, Any] | None
    created_at: str
    expires_at: str

    @classmethod
    def from_row(cls, row: Any) -> Voice:
        data = dict(row)
        data["languages"] = json.loads(data["languages"])
        data["analysis"] = json.loads(data["analysis"]) if data["analysis"] else None
        return cls(**data)


@dataclass(frozen=True, slots=True)
class Sample:
    id: str
    owner_id: int
    voice_id: str | None
    content_hash: str
    duration: float
    speech_duration: float
    language: str | None
    emotion: str | None
    transcript: str | None
    quality: Quality
    metrics: dict[str, Any]
    embedding: bytes | None
    created_at: str

    @classmethod
    def from_row(cls, row: Any) -> Sample:
        data = dict(row)
        data["metrics"] = json.loads(data["metrics"])
        return cls(**data)


@dataclass(frozen=True, slots=True)
class Generation:
    id: str
    owner_id: int
    voice_id: str | None
    job_id: str | None
    text_chars: int
    duration: float
    format: str
    sample_rate: int
    created_at: str
    fingerprint: str | None = None  # SHA-256 of the file as written (provenance)
    output_purged_at: str | None = None  # when the file went (output_retention_days)
    platform: str | None = None  # where it was asked: telegram, discord, cli
    server: str | None = None  # a chat server (Discord guild), if asked in one
    chat: str | None = None
    requested_by: int | None = None  # who asked, when not the owner (a voice lent to a server)
    excerpt: str | None = None  # the text's start, only if the owner opted in


@dataclass(frozen=True, slots=True)
class AuditEntry:
    id: int
    user_id: int | None
    action: str
    subject: str | None
    detail: str | None
    created_at: str


@dataclass(frozen=True, slots=True)
class Challenge:
    id: str
    owner_id: int
    voice_id: str | None
    language: str
    code: str
    sentence: str
    created_at: str
    expires_at: str
    used_at: str | None


@dataclass(frozen=True, slots=True)
class VoiceConsent:
    voice_id: str
    owner_id: int
    challenge_id: str
    sentence_hash: str
    words_checked: bool
    heard: str | None
    speaker_score: float | None
    embedding: bytes
    recording_hash: str
    created_at: str
