"""What the bot says to a person unasked: a voice's expiry reminder (7 days before, with a Renew
button) and, for owners who opted in, that their voice was used somewhere other than their own
private chat. Queued by chores and the worker (``storage.notices``), sent by each platform's bot
process through its ``Outlet`` to the person's private chat, once.
"""

from __future__ import annotations

import asyncio
import logging
from datetime import timedelta
from typing import Any

from handlers.chat import Action, Button, Reply
from handlers.context import Context
from handlers.delivery import Outlet, Target, Undeliverable
from handlers.messages import t
from storage.ids import iso, now
from storage.records import Generation, User, Voice

log = logging.getLogger("voicebot.notices")
REMIND_BEFORE = timedelta(days=7)
CHAT_PLATFORMS = ("telegram", "discord")  # where a notice can reach someone (not the CLI)


def _body(reply: Reply) -> dict[str, Any]:
    return {
        "text": reply.text,
        "buttons": [[{"label": b.label, "action": b.action.pack()} for b in row] for row in reply.buttons],
    }


def _reply(body: dict[str, Any]) -> Reply:
    rows = tuple(
        tuple(Button(b["label"], Action.parse(b["action"])) for b in row) for row in body.get("buttons", [])
    )
    return Reply(body["text"], rows)


async def expiry_reminders(ctx: Context) -> int:
    """A reminder for each voice whose retention ends within 7 days (once per expiry date: a renewed
    voice is reminded again before its new date). The chore runs hourly."""
    queued = 0
    for voice in await ctx.storage.voices.expiring(iso(now() + REMIND_BEFORE)):
        owner = await ctx.storage.users.get(voice.owner_id)
        if owner is None or owner.platform not in CHAT_PLATFORMS:
            continue
        reply = _reminder(voice, owner.locale)
        subject = f"{voice.id}@{voice.expires_at}"
        queued += await ctx.storage.notices.add(owner.id, owner.platform, "expiry", subject, _body(reply))
    return queued


def _reminder(voice: Voice, locale: str | None) -> Reply:
    text = t(locale, "notice.expiry", name=voice.name, date=voice.expires_at[:10])
    renew = Button(t(locale, "voices.renew", name=voice.name), Action.of("renew", voice.id))
    return Reply(text, ((renew,),))


def elsewhere(owner_platform: str, receipt: Generation) -> bool:
    """Whether a generation was asked from somewhere other than the owner's own private chat: in a
    server, by another person, or from another platform or device."""
    return bool(receipt.server or receipt.requested_by or receipt.platform != owner_platform)


async def tell_use(ctx: Context, owner: User | None, voice_name: str, receipt: Generation) -> bool:
    """For an owner who asked to be told (``/settings alerts on``): the voice was used elsewhere."""
    if owner is None or not owner.settings.get("notifyUse") or owner.platform not in CHAT_PLATFORMS:
        return False
    if not elsewhere(owner.platform, receipt):
        return False
    text = t(
        owner.locale,
        "notice.used",
        name=voice_name,
        where=where_said(owner.locale, receipt),
        seconds=f"{receipt.duration:.1f}",
        at=receipt.created_at[:16].replace("T", " "),
    )
    return await ctx.storage.notices.add(owner.id, owner.platform, "used", receipt.id, _body(Reply(text)))


def where_said(locale: str | None, receipt: Generation) -> str:
    """ "Discord, server 123" / "Telegram, a private chat" / "the command line", in words."""
    platform = receipt.platform
    if platform is None:  # a receipt from before places were kept
        return "—"
    if platform not in CHAT_PLATFORMS:
        return t(locale, "where.api" if platform == "api" else "where.cli")
    name = platform.capitalize()
    if receipt.server:
        place = t(locale, "where.server", server=receipt.server)
    else:
        place = t(locale, "where.chat")
    someone = t(locale, "where.by_other") if receipt.requested_by else ""
    return f"{name}, {place}{someone}"


class Notices:
    """Sends a platform's pending notices every ``every_s`` (and once at start)."""

    def __init__(self, outlet: Outlet, ctx: Context, every_s: float = 30.0) -> None:
        self.outlet, self.ctx, self.every_s = outlet, ctx, every_s
        self._task: asyncio.Task | None = None

    async def flush(self) -> int:
        sent = 0
        for notice in await self.ctx.storage.notices.pending(self.outlet.platform):
            owner = await self.ctx.storage.users.get(notice.owner_id)
            if owner is None:
                continue
            to = Target(owner.platform_user_id, "", owner.platform_user_id, owner.locale)
            try:
                await self.outlet.send_notice(to, _reply(notice.body))
            except Undeliverable as exc:  # blocked, or DMs closed: said as far as it can be
                log.warning("notice %s cannot be delivered: %s", notice.id, exc)
            except Exception:  # the next round tries again
                log.exception("sending notice %s failed", notice.id)
                continue
            await self.ctx.storage.notices.sent(notice.id)
            sent += 1
        return sent

    def start(self) -> None:
        if self._task is None:
            self._task = asyncio.create_task(self._loop())

    async def _loop(self) -> None:
        while True:
            try:
                await self.flush()
            except asyncio.CancelledError:
                raise
            except Exception:
                log.exception("sending notices failed")
            await asyncio.sleep(self.every_s)

    async def close(self) -> None:
        if self._task is not None:
            self._task.cancel()
            await asyncio.gather(self._task, return_exceptions=True)
            self._task = None
