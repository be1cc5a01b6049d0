"""What a chat adapter hands the use cases, and what it gets back: plain data, no chat library."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True, slots=True)
class Sender:
    platform: str  # "telegram" | "discord"
    user_id: str  # the platform's id, as text
    chat_id: str
    locale: str | None = None  # the platform's language code, e.g. "pt-BR"


@dataclass(frozen=True, slots=True)
class Button:
    label: str
    action: str  # opaque to the platform: "consent:accept", "voice:delete:<id>" …


@dataclass(frozen=True, slots=True)
class Reply:
    text: str
    buttons: tuple[tuple[Button, ...], ...] = ()  # rows of buttons


@dataclass(frozen=True, slots=True)
class Queued:
    """A reply now, and a job whose outcome the adapter delivers when it ends."""

    reply: Reply | None
    owner_id: int
    job_id: str


def reply_to(sender: Sender, send_as: str) -> dict[str, Any]:
    """Where a job's outcome goes, stored with the job so a restarted bot still delivers it.
    ``send_as``: "text" (a training), "voice", "audio", "document" (speech), "zip" (a batch)."""
    return {"platform": sender.platform, "chat": sender.chat_id, "locale": sender.locale, "as": send_as}
