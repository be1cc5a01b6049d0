"""One person, two platforms: ``/link`` on one gives a one-time code to send with ``/link CODE`` on
the other. Afterwards that account stands for the first: the same voices, consent and settings
(owner-only still holds: it is the same person). ``/unlink`` parts them again; what each account
had of its own stays with it.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

from handlers.chat import Reply, Sender
from handlers.consent import user_for
from handlers.context import Context
from handlers.errors import Refusal
from handlers.messages import t
from storage.ids import iso, now

CODE_MINUTES = 10
PLATFORM_NAMES = {"telegram": "Telegram", "discord": "Discord", "cli": "CLI"}


def _hashed(code: str) -> str:
    return hashlib.sha256(code.strip().replace(" ", "").encode()).hexdigest()


async def typed(ctx: Context, sender: Sender, code: str) -> Reply:
    """``/link`` alone gives a code; ``/link CODE`` links this account to the one that asked for it."""
    return await finish(ctx, sender, code) if code.strip() else await start(ctx, sender)


async def start(ctx: Context, sender: Sender) -> Reply:
    user = await user_for(ctx, sender)
    code = f"{secrets.randbelow(10**8):08d}"
    expires = iso(now() + timedelta(minutes=CODE_MINUTES))
    await ctx.storage.users.issue_code(user.id, _hashed(code), expires)
    return Reply(t(sender.locale, "link.code", code=code, minutes=CODE_MINUTES))


async def finish(ctx: Context, sender: Sender, code: str) -> Reply:
    primary_id = await ctx.storage.users.take_code(_hashed(code))
    if primary_id is None:
        raise Refusal("invalid_request", t(sender.locale, "link.bad_code"))
    own = await ctx.storage.users.own(sender.platform, sender.user_id)
    primary = await ctx.storage.users.get(primary_id)
    if primary is None or primary.id == own.id or primary.platform == own.platform:
        raise Refusal("invalid_request", t(sender.locale, "link.same"))
    await ctx.storage.users.unlink(own.id)  # an account stands for one other at most
    await ctx.storage.users.link(own.id, primary.id)
    await ctx.storage.audit.log(primary.id, "account.linked", None, platform=own.platform)
    return Reply(
        t(sender.locale, "link.done", platform=PLATFORM_NAMES.get(primary.platform, primary.platform))
    )


async def unlink(ctx: Context, sender: Sender) -> Reply:
    own = await ctx.storage.users.own(sender.platform, sender.user_id)
    if not await ctx.storage.users.unlink(own.id):
        raise Refusal("not_found", t(sender.locale, "link.not_linked"))
    await ctx.storage.audit.log(own.id, "account.unlinked", None)
    return Reply(t(sender.locale, "link.unlinked"))
