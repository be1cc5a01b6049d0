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
    server_id: str | None = None  # the chat server (a Discord guild) it came from, if any
    private: bool = False  # only the person sees the answer (a private chat, a DM, an ephemeral reply)


MAX_PACKED = 64  # bytes: Telegram's callback_data limit (Discord's custom_id allows 100)


@dataclass(frozen=True, slots=True)
class Action:
    name: str
    args: tuple[str, ...] = ()

    @classmethod
    def of(cls, name: str, *args: str) -> Action:
        return cls(name, tuple(args))

    def pack(self) -> str:
        packed = ":".join((self.name, *self.args))
        if len(packed.encode()) > MAX_PACKED or any(":" in a for a in self.args):
            raise ValueError(f"a button's action must pack into {MAX_PACKED} bytes: {packed!r}")
        return packed

    @classmethod
    def parse(cls, data: str | None) -> Action | None:
        name, *args = (data or "").split(":")
        return cls(name, tuple(args)) if name else None


@dataclass(frozen=True, slots=True)
class Button:
    label: str
    action: Action  # what pressing it does (handlers.buttons.TABLE); the platform carries it packed


@dataclass(frozen=True, slots=True)
class Reply:
    text: str
    buttons: tuple[tuple[Button, ...], ...] = ()  # rows of buttons
    file: tuple[str, str] | None = None  # (path, name shown): sent with the text as its caption


@dataclass(frozen=True, slots=True)
class Queued:
    """A reply now, and a job whose outcome the adapter delivers when it ends."""

    reply: Reply | None
    owner_id: int
    job_id: str


def reply_to(sender: Sender, send_as: str) -> dict[str, Any]:
    """Where a job's outcome goes, stored with the job so a restarted bot still delivers it.
    ``send_as``: "text" (a training), "voice", "audio", "document" (speech), "zip" (a batch)."""
    return {
        "platform": sender.platform,
        "chat": sender.chat_id,
        "user": sender.user_id,
        "locale": sender.locale,
        "as": send_as,
    }


def where_of(sender: Sender, requested_by: int | None = None) -> dict[str, Any]:
    """Where speech was asked, for the voice owner's receipts (``requested_by``: the user who asked,
    when the voice is not theirs)."""
    return {
        "platform": sender.platform,
        "chat": sender.chat_id,
        "server": sender.server_id,
        "requestedBy": requested_by,
    }
