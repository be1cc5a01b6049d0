"""Per-person HTTP API keys: made for the person (the primary account when linked), shown once,
listed without their secret, revoked by id. The key answers for its owner on every path."""

from __future__ import annotations

import time
from collections import deque
from typing import Any

from handlers.chat import Reply, Sender
from handlers.consent import user_for
from handlers.context import Context
from handlers.errors import Refusal
from handlers.messages import t
from storage.api_keys import ApiKey


def _shown(key: ApiKey) -> dict[str, Any]:
    return {
        "keyId": key.id,
        "name": key.name,
        "createdAt": key.created_at,
        "lastUsedAt": key.last_used_at,
        "revoked": key.revoked_at is not None,
    }


async def create(ctx: Context, owner_id: int, name: str = "") -> dict[str, Any]:
    if len(name) > 64:
        raise Refusal("invalid_request", "a key's name is at most 64 characters")
    key, secret = await ctx.storage.api_keys.create(owner_id, name)
    await ctx.storage.audit.log(owner_id, "apikey.created", key.id)
    return _shown(key) | {"apiKey": secret}  # the only time the secret is shown


async def listed(ctx: Context, owner_id: int) -> dict[str, Any]:
    return {"keys": [_shown(k) for k in await ctx.storage.api_keys.list(owner_id)]}


async def revoke(ctx: Context, owner_id: int, key_id: str) -> dict[str, Any]:
    if not await ctx.storage.api_keys.revoke(owner_id, key_id):
        raise Refusal("not_found", "No such live key of yours.")
    await ctx.storage.audit.log(owner_id, "apikey.revoked", key_id)
    return {"keyId": key_id, "revoked": True}


async def owner_of(ctx: Context, secret: str | None) -> int | None:
    if not secret:
        return None
    return await ctx.storage.api_keys.owner_of(secret)


class Limiter:
    """Requests a minute per key, over a sliding minute (in this process)."""

    def __init__(self, per_minute: int) -> None:
        self.per_minute = per_minute
        self._seen: dict[str, deque[float]] = {}

    def wait_s(self, key: str, now: float | None = None) -> float:
        """0 when the request may go; else the seconds until it may."""
        if self.per_minute <= 0:
            return 0.0
        now = time.monotonic() if now is None else now
        seen = self._seen.setdefault(key, deque())
        while seen and seen[0] <= now - 60:
            seen.popleft()
        if len(seen) >= self.per_minute:
            return round(seen[0] + 60 - now, 1) or 0.1
        seen.append(now)
        return 0.0


def _minute(stamp: str | None) -> str:
    return (stamp or "")[:16].replace("T", " ")


async def in_chat(ctx: Context, sender: Sender, args: str) -> Reply:
    """``/apikey [NAME]`` (a new key), ``/apikey list``, ``/apikey revoke ID`` — only where the
    answer is the person's alone (a private chat, a DM, an ephemeral reply)."""
    locale = sender.locale
    if not sender.private:
        raise Refusal("forbidden", t(locale, "apikey.private"))
    user = await user_for(ctx, sender)
    word, _, rest = args.strip().partition(" ")
    word = word.casefold()
    if word == "list":
        keys = [k for k in (await listed(ctx, user.id))["keys"] if not k["revoked"]]
        if not keys:
            return Reply(t(locale, "apikey.none"))
        lines = [
            t(locale, "apikey.line", id=k["keyId"], name=k["name"] or "—", created=_minute(k["createdAt"]),
              used=_minute(k["lastUsedAt"]) or t(locale, "apikey.never"))
            for k in keys
        ]  # fmt: skip
        return Reply("\n".join([t(locale, "apikey.header"), *lines]))
    if word == "revoke" and rest.strip():
        try:
            await revoke(ctx, user.id, rest.strip())
        except Refusal:
            raise Refusal("not_found", t(locale, "apikey.not_found")) from None
        return Reply(t(locale, "apikey.revoked", id=rest.strip()))
    if word == "revoke":
        return Reply(t(locale, "apikey.usage"))
    name = (rest if word == "new" else args).strip()[:64]  # "/apikey", "/apikey laptop", "/apikey new laptop"
    made = await create(ctx, user.id, name or f"{sender.platform} /apikey")
    return Reply(t(locale, "apikey.created", secret=made["apiKey"]))
