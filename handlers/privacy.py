"""A person's own data: what was done with it (their audit log), and forgetting them entirely."""

from __future__ import annotations

import json
from typing import Any

from handlers.chat import Action, Button, Reply, Sender
from handlers.context import Context
from handlers.messages import t


async def history(ctx: Context, owner_id: int) -> dict[str, Any]:
    """Every recorded action on the person's data, oldest first (consents, voices, samples …)."""
    entries = await ctx.storage.audit.for_user(owner_id)
    return {
        "entries": [
            {
                "action": e.action,
                "subject": e.subject,
                "at": e.created_at,
                "detail": json.loads(e.detail) if e.detail else {},
            }
            for e in entries
        ]
    }


async def forget(ctx: Context, owner_id: int) -> dict[str, Any]:
    """Everything the person owns, on every account linked to theirs: voices (with their jobs' files
    and loaded copies), samples, speech, jobs, settings, consents, receipts, their audit rows; one
    anonymous line says when (``storage.deletion`` lists every table and how it goes)."""
    accounts = await ctx.storage.users.linked(owner_id)
    voices = 0
    for account in accounts:
        for voice in await ctx.storage.voices.list(account):
            voices += await ctx.delete_voice(account, voice.id)
        await ctx.storage.delete_user(account)
    await ctx.storage.audit.log(None, "user.erased", None, accounts=len(accounts))
    return {"forgotten": True, "voices": voices, "accounts": len(accounts)}


async def forget_in_chat(ctx: Context, sender: Sender, confirmed: bool) -> Reply:
    """``/forgetme``: asks first (a button), then erases the person on every linked platform."""
    user = await ctx.storage.users.find(sender.platform, sender.user_id)
    if user is None:
        return Reply(t(sender.locale, "forget.nothing"))
    if not confirmed:
        yes = Button(t(sender.locale, "forget.yes"), Action.of("forget", "yes"))
        keep = Button(t(sender.locale, "voices.keep"), Action.of("forget", "keep"))
        return Reply(t(sender.locale, "forget.confirm"), ((yes, keep),))
    erased = await forget(ctx, user.id)
    return Reply(t(sender.locale, "forget.done", voices=erased["voices"], accounts=erased["accounts"]))
