"""A chat server's own rules (a Discord guild): who may clone, speak and use the voice channel, the
speak-for-me channel and what happens to text from someone without a voice, the longest text, the
voice channel on or off, daily quotas for the whole server. Set by its admins; stored per server;
gone when the bot leaves it (``forget``).

Speak for me: what a member types in the server's speak-for-me channel while in a voice channel is
said there in *their own* cloned voice, if they have a ready one and opted in (``speakForMe`` in
their settings); otherwise skipped, or said in the server's default voice (an admin's own voice,
which they chose to lend). Links are said as a word, mentions by name, emoji are skipped.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Sequence
from typing import Any

from handlers import account, quotas, speech
from handlers.chat import Queued, Reply, Sender
from handlers.consent import require
from handlers.context import Context
from handlers.errors import Refusal
from handlers.messages import t
from handlers.quotas import DAY
from storage.ids import iso, now

DEFAULTS: dict[str, Any] = {
    "speakChannel": "off",  # "off", "voice" (a voice channel's own text chat) or a text channel's id
    "speakDefault": None,  # {"owner": user id, "voice": voice id}: said for those without a voice
    "maxChars": 300,
    "voiceChannel": True,
    "cloneRoles": [],  # role ids; empty: everyone
    "speakRoles": [],
    "voiceRoles": [],
    "speechesPerDay": 0,  # lines and speech for the whole server; 0: no limit
    "speechSecondsPerDay": 0,  # seconds of generated speech for the whole server; 0: no limit
    "trainingsPerDay": 0,
}
# As typed after /server set -> stored key
NAMES = {
    "speak-channel": "speakChannel",
    "speak-default": "speakDefault",
    "max-chars": "maxChars",
    "voice-channel": "voiceChannel",
    "clone-roles": "cloneRoles",
    "speak-roles": "speakRoles",
    "voice-roles": "voiceRoles",
    "speeches-per-day": "speechesPerDay",
    "speech-seconds-per-day": "speechSecondsPerDay",
    "trainings-per-day": "trainingsPerDay",
}
USES = {"clone": "cloneRoles", "speak": "speakRoles", "voice": "voiceRoles"}
_LINK = re.compile(r"https?://\S+|www\.\S+", re.IGNORECASE)
_CUSTOM_EMOJI = re.compile(r"<a?:\w+:\d+>")
_EMOJI = re.compile(
    "[\U0001f000-\U0001faff\U00002600-\U000027bf\U0001f1e6-\U0001f1ff\u200d\ufe0f\u20e3\U000e0020-\U000e007f]+"
)
_MENTION_SIGN = re.compile(r"(?<!\w)[@#](?=\w)")


async def settings(ctx: Context, platform: str, server_id: str) -> dict[str, Any]:
    return DEFAULTS | await ctx.storage.servers.settings(platform, server_id)


async def forget(ctx: Context, platform: str, server_id: str) -> bool:
    """The bot left the server: its settings and usage go (people's own data stays theirs)."""
    return await ctx.storage.servers.delete(platform, server_id)


async def show(ctx: Context, sender: Sender, server_id: str) -> Reply:
    rules = await settings(ctx, sender.platform, server_id)
    lines = [t(sender.locale, "server.header")]
    for typed, key in NAMES.items():
        lines.append(f"• {typed}: {_shown(sender.locale, key, rules[key])}")
    since = iso(now() - DAY)  # what the daily quotas have counted so far
    seconds = await ctx.storage.generations.server_seconds_since(sender.platform, server_id, since)
    trainings = await ctx.storage.servers.usage(sender.platform, server_id, "train")
    lines.append(t(sender.locale, "server.today", seconds=round(seconds), trainings=trainings))
    lines.append(t(sender.locale, "server.typed"))
    return Reply("\n".join(lines))


def _shown(locale: str | None, key: str, value: Any) -> str:
    if key.endswith("Roles"):
        return ", ".join(f"<@&{r}>" for r in value) if value else t(locale, "server.everyone")
    if key == "speakDefault":
        return t(locale, "server.skip") if not value else value["voice"]
    if key == "voiceChannel":
        return t(locale, "settings.on" if value else "settings.off")
    if key == "speakChannel":
        return {"off": t(locale, "settings.off"), "voice": t(locale, "server.voice_chat")}.get(
            value, f"<#{value}>"
        )
    return str(value)


async def change(
    ctx: Context, sender: Sender, server_id: str, typed: str, value: str, roles: Sequence[str] = ()
) -> Reply:
    """Set one rule (the adapter has checked the person may manage the server). ``roles``: the role
    ids named in ``value``, as the platform resolved them."""
    key = NAMES.get(typed.strip().lower())
    if key is None:
        raise Refusal("invalid_request", t(sender.locale, "server.unknown", names=", ".join(NAMES)))
    rules = await ctx.storage.servers.settings(sender.platform, server_id)
    value = value.strip()
    bad = Refusal("invalid_request", t(sender.locale, f"server.allowed.{typed.strip().lower()}"))
    if key.endswith("Roles"):
        rules[key] = [] if value.lower() in ("", "everyone", "all") else list(dict.fromkeys(roles))
        if value.lower() not in ("", "everyone", "all") and not roles:
            raise bad
    elif key == "speakChannel":
        rules[key] = value.lower() if value.lower() in ("off", "voice") else value.strip("<#>")
        if not (rules[key] in ("off", "voice") or rules[key].isdigit()):
            raise bad
    elif key == "speakDefault":  # one's own ready voice, lent to the server; "off" to stop
        if value.lower() in ("off", "skip", ""):
            rules[key] = None
        else:
            user = await require(ctx, sender)
            rules[key] = {
                "owner": user.id,
                "voice": await account.voice_named(ctx, user, value, sender.locale),
            }
    elif key == "voiceChannel":
        if value.lower() not in ("on", "off"):
            raise bad
        rules[key] = value.lower() == "on"
    else:
        limits = {
            "maxChars": (1, 2000), "speechesPerDay": (0, 100000), "speechSecondsPerDay": (0, 864000),
            "trainingsPerDay": (0, 10000),
        }[key]  # fmt: skip
        if not value.isdigit() or not limits[0] <= int(value) <= limits[1]:
            raise bad
        rules[key] = int(value)
    await ctx.storage.servers.save(sender.platform, server_id, rules)
    return await show(ctx, sender, server_id)


async def allowed(
    ctx: Context,
    sender: Sender,
    server_id: str,
    use: str,
    roles: Sequence[str],
    spend: str | None = None,
    rules: dict[str, Any] | None = None,
) -> None:
    """Refuse what the server keeps to some roles (``use``: clone, speak, voice), the voice channel
    when it is off, and (``spend``: "train" or "speak") what its daily quota no longer allows.
    ``rules``: the server's, when the caller has them already."""
    rules = rules or await settings(ctx, sender.platform, server_id)
    if use == "voice" and not rules["voiceChannel"]:
        raise Refusal("forbidden", t(sender.locale, "server.voice_off"))
    wanted = rules[USES[use]]
    if wanted and not set(wanted) & set(roles):
        raise Refusal("forbidden", t(sender.locale, f"server.role_{use}"))
    if spend is not None:
        limit = rules["trainingsPerDay" if spend == "train" else "speechesPerDay"]
        if limit and await ctx.storage.servers.usage(sender.platform, server_id, spend) >= limit:
            raise Refusal("quota_exceeded", t(sender.locale, "server.quota", limit=limit))
        if spend == "speak":
            await quotas.server_speech_left(ctx, sender.platform, server_id, sender.locale)


async def counted(ctx: Context, sender: Sender, server_id: str, kind: str, owner_id: int) -> None:
    """One more training or line against the server's daily quota."""
    await ctx.storage.servers.used(sender.platform, server_id, owner_id, kind)


def spoken(text: str, limit: int, link: str) -> str:
    """A chat message as it is said: links as a word, mention signs dropped (the platform gives the
    names), emoji skipped, spaces tidied, cut at the server's length on a word."""
    text = _LINK.sub(f" {link} ", text)
    text = _CUSTOM_EMOJI.sub(" ", text)
    text = _EMOJI.sub(" ", text)
    text = _MENTION_SIGN.sub("", text)
    text = " ".join(text.split())
    if len(text) > limit:
        text = text[:limit].rsplit(" ", 1)[0] if " " in text[:limit] else text[:limit]
    return text


async def speak_for(
    ctx: Context,
    author: Sender,
    server_id: str,
    text: str,
    roles: Sequence[str],
    key: str,
    rules: dict[str, Any] | None = None,
) -> Queued | None:
    """A message in the speak-for-me channel: a live line in the author's own voice, the server's
    default voice, or nothing (None) — never a reply: the channel is a conversation. ``rules``: the
    server's, when the caller read them already."""
    rules = rules or await settings(ctx, author.platform, server_id)
    author = dataclasses.replace(author, server_id=server_id)  # the receipts say which server
    try:
        await allowed(ctx, author, server_id, "voice", roles, rules=rules)
        await allowed(ctx, author, server_id, "speak", roles, spend="speak", rules=rules)
    except Refusal:
        return None
    words = spoken(text, rules["maxChars"], t(author.locale, "voice.link"))
    if not words:
        return None
    user = await ctx.storage.users.find(author.platform, author.user_id)
    own = None
    if user is not None and user.settings.get("speakForMe") and await ctx.storage.consents.active(user.id):
        own = await account.voice_for(ctx, user)
    try:
        if own is not None:
            queued = await speech.say_live(ctx, author, words, own, key)
        elif rules["speakDefault"]:
            lent = rules["speakDefault"]
            if await ctx.storage.voices.get_usable(lent["owner"], lent["voice"]) is None:
                return None
            by = user.id if user is not None else None
            queued = await speech.line_for(ctx, lent["owner"], lent["voice"], words, key, author, by)
        else:
            return None
    except Refusal:  # the person's quota, the text refused: skipped, as for anyone without a voice
        return None
    await counted(ctx, author, server_id, "speak", queued.owner_id)
    return queued
