"""Consent in a chat: show the versioned statement in the person's language, accept, decline, revoke.

Nothing a person sends is kept before they accept (``require``). Revoking deletes every voice (with
its samples and speech) made under the consent.
"""

from __future__ import annotations

import hashlib
from typing import Any

from handlers.chat import Action, Button, Reply, Sender
from handlers.context import Context
from handlers.errors import Refusal
from handlers.messages import CONSENT_VERSION, LANGUAGES, locale_of, t
from storage.records import User


async def user_for(ctx: Context, sender: Sender) -> User:
    """The person behind a chat account (created on first contact, language kept up to date)."""
    locale = locale_of(sender.locale)
    user = await ctx.storage.users.get_or_create(sender.platform, sender.user_id, locale)
    if sender.locale and user.locale != locale:
        await ctx.storage.users.set_locale(user.id, locale)
    return user


def statement(locale: str | None) -> str:
    return t(locale, "consent.statement")


async def start(ctx: Context, sender: Sender) -> list[Reply]:
    user = await user_for(ctx, sender)
    if await ctx.storage.consents.active(user.id):
        return [
            Reply(t(sender.locale, "welcome")),
            Reply(t(sender.locale, "consent.already", version=CONSENT_VERSION)),
        ]
    ask = t(sender.locale, "consent.ask", version=CONSENT_VERSION)
    buttons = (
        (
            Button(t(sender.locale, "consent.accept"), Action.of("consent", "accept")),
            Button(t(sender.locale, "consent.decline"), Action.of("consent", "decline")),
        ),
    )
    return [Reply(t(sender.locale, "welcome")), Reply(f"{statement(sender.locale)}\n\n{ask}", buttons)]


async def accept(ctx: Context, sender: Sender) -> Reply:
    user = await user_for(ctx, sender)
    if await ctx.storage.consents.active(user.id) is None:
        shown = hashlib.sha256(statement(sender.locale).encode()).hexdigest()
        await ctx.storage.consents.accept(user.id, CONSENT_VERSION, shown, f"{sender.platform}:button")
        await ctx.storage.audit.log(user.id, "consent.accepted", None, version=CONSENT_VERSION)
    return Reply(t(sender.locale, "consent.accepted"))


async def decline(ctx: Context, sender: Sender) -> Reply:
    user = await user_for(ctx, sender)
    await ctx.storage.audit.log(user.id, "consent.declined", None, version=CONSENT_VERSION)
    return Reply(t(sender.locale, "consent.declined"))


async def revoke(ctx: Context, sender: Sender) -> Reply:
    user = await user_for(ctx, sender)
    done = await revoke_owner(ctx, user.id)
    return Reply(t(sender.locale, "consent.revoked", count=done["voicesDeleted"]))


async def revoke_owner(ctx: Context, owner_id: int) -> dict[str, Any]:
    """Withdraw the person's consent: every voice made under it goes (samples, models, readings)."""
    await ctx.storage.consents.revoke(owner_id)
    voices = await ctx.storage.voices.list(owner_id)
    for voice in voices:
        await ctx.delete_voice(owner_id, voice.id)
    await ctx.storage.audit.log(owner_id, "consent.revoked", None, voices=len(voices))
    return {"revoked": True, "voicesDeleted": len(voices)}


def _hash(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


async def shown_to(ctx: Context, owner_id: int, language: str | None) -> dict[str, Any]:
    """The statement to accept (HTTP API), in ``language``, with its version and hash."""
    text = statement(language)
    accepted = await ctx.storage.consents.active(owner_id) is not None
    return {
        "statement": text,
        "language": locale_of(language),
        "version": CONSENT_VERSION,
        "hash": _hash(text),
        "accepted": accepted,
    }


async def accept_shown(
    ctx: Context, owner_id: int, version: str, shown_hash: str, accepted: bool, method: str
) -> dict[str, Any]:
    """Accept the statement whose ``version`` and ``hash`` the person was shown (in any language)."""
    if not accepted:
        raise Refusal("invalid_request", "accepted must be true to give consent")
    known = {_hash(statement(language)) for language in LANGUAGES}
    if version != CONSENT_VERSION or shown_hash not in known:
        raise Refusal(
            "invalid_request",
            f"that is not the current statement (version {CONSENT_VERSION}): GET /v2/consent shows it",
        )
    if await ctx.storage.consents.active(owner_id) is None:
        await ctx.storage.consents.accept(owner_id, version, shown_hash, method)
        await ctx.storage.audit.log(owner_id, "consent.accepted", None, version=version)
    return {"accepted": True, "version": version}


async def require(ctx: Context, sender: Sender) -> User:
    """The user, if they have accepted; else a refusal asking them to (nothing is kept)."""
    user = await user_for(ctx, sender)
    if await ctx.storage.consents.active(user.id) is None:
        raise Refusal("consent_required", t(sender.locale, "consent.required"))
    return user
