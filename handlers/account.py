"""A person's chat defaults: reply language, the voice text is said with, speed, pitch, emotion, and
how speech comes back (a voice note, or a file in a chosen format and sample rate).

Stored as JSON on the user row under the contract's names (``language``, ``voiceId``, ``speed``,
``pitch``, ``emotion``, ``outputFormat``, ``sampleRate``); ranges are checked by ``SpeechOptions``.
"""

from __future__ import annotations

import dataclasses
from typing import Any

from engine.errors import InvalidRequestError
from engine.speech.render import EMOTIONS, FORMATS, SAMPLE_RATES, SpeechOptions
from handlers import quotas
from handlers.chat import Action, Button, Reply, Sender
from handlers.consent import user_for
from handlers.context import Context
from handlers.errors import Refusal
from handlers.messages import LANGUAGES, t
from storage.records import User, Voice

VOICE_NOTE = "voice"  # outputFormat for a platform voice note: OGG/Opus at 48 kHz
# Setting name (as typed after /settings) -> stored key, and the choices offered as buttons.
KEYS = {
    "language": "language",
    "voice": "voiceId",
    "speed": "speed",
    "pitch": "pitch",
    "emotion": "emotion",
    "format": "outputFormat",
    "rate": "sampleRate",
    "speakforme": "speakForMe",  # what one types in a server's speak-for-me channel is said in one's voice
    "excerpts": "receiptExcerpts",  # /usage shows the start of each text said with one's voices
    "alerts": "notifyUse",  # be told when one's voice is used elsewhere (a server, another device)
}
SWITCHES = ("speakforme", "excerpts", "alerts")  # on / off
CHOICES: dict[str, tuple[str, ...]] = {
    "language": ("auto", *LANGUAGES),
    "speed": ("0.75", "1.0", "1.25", "1.5"),
    "pitch": ("-4", "-2", "0", "2", "4"),
    "emotion": EMOTIONS,
    "format": (VOICE_NOTE, *FORMATS),
    "rate": tuple(str(r) for r in SAMPLE_RATES),
    **dict.fromkeys(SWITCHES, ("on", "off")),
}
LANGUAGE_NAMES = {
    "en": "English", "es": "Español", "fr": "Français", "de": "Deutsch", "it": "Italiano",
    "pt": "Português", "ja": "日本語", "ko": "한국어", "zh": "中文",
}  # fmt: skip


async def resolve(ctx: Context, sender: Sender) -> Sender:
    """The sender with the reply language the person chose, when they chose one."""
    user = await ctx.storage.users.find(sender.platform, sender.user_id)
    if user is None:
        return sender
    # Chosen, else the platform's (a Discord DM says none: the language they were last seen with).
    chosen = user.settings.get("language") or (user.locale if sender.locale is None else None)
    return dataclasses.replace(sender, locale=chosen) if chosen else sender


async def voice_for(ctx: Context, user: User) -> str | None:
    """The voice chat text is said with: the chosen one while it is ready, else the newest ready one."""
    ready = [v for v in await ctx.storage.voices.list(user.id) if v.status == "completed"]
    chosen = user.settings.get("voiceId")
    if any(v.id == chosen for v in ready):
        return chosen
    return ready[-1].id if ready else None


async def own_voice(ctx: Context, owner_id: int, given: str, ready: bool = False) -> Voice | None:
    """One of the person's voices (``ready``: trained ones only) by id (a button, autocomplete) or by
    name (typed); None when they have no such voice — somebody else's is never found."""
    wanted = given.strip()
    voices = await ctx.storage.voices.list(owner_id)
    return next(
        (v for v in voices if (not ready or v.status == "completed") and wanted in (v.id, v.name)), None
    )


async def voice_named(ctx: Context, user: User, given: str, locale: str | None) -> str:
    """The id of one of the person's ready voices, by id or name; refused otherwise."""
    voice = await own_voice(ctx, user.id, given, ready=True)
    if voice is None:
        raise Refusal("not_found", t(locale, "voices.not_found"))
    return voice.id


async def voice_choices(ctx: Context, sender: Sender, typed: str, ready: bool) -> list[tuple[str, str]]:
    """(name, id) of the person's voices whose name contains ``typed`` (for autocomplete); nothing
    for somebody unknown, and never anybody else's."""
    user = await ctx.storage.users.find(sender.platform, sender.user_id)
    if user is None:
        return []
    voices = await ctx.storage.voices.list(user.id)
    wanted = typed.strip().casefold()
    return [
        (v.name, v.id)
        for v in voices
        if (not ready or v.status == "completed") and wanted in v.name.casefold()
    ]


def speech_options(settings: dict[str, Any]) -> tuple[SpeechOptions, str]:
    """Speech options from settings under the stored names, and how the result is sent: "voice",
    "audio" (MP3) or "document"."""
    s = settings
    fmt = s.get("outputFormat", VOICE_NOTE)
    common = {
        "speed": s.get("speed", 1.0),
        "pitch": s.get("pitch", 0.0),
        "emotion": s.get("emotion", "neutral"),
    }
    if fmt == VOICE_NOTE:
        return SpeechOptions(output_format="ogg", sample_rate=48000, **common), "voice"
    options = SpeechOptions(output_format=fmt, sample_rate=s.get("sampleRate", 44100), **common)
    return options, "audio" if fmt == "mp3" else "document"


def _shown(locale: str | None, name: str, value: Any, voices: dict[str, str]) -> str:
    if name == "language":
        return LANGUAGE_NAMES.get(value, t(locale, "settings.auto"))
    if name == "voice":
        return voices.get(value, t(locale, "settings.newest"))
    if name == "format":
        return t(locale, "settings.voice_note") if value in (None, VOICE_NOTE) else str(value).upper()
    if name == "emotion":
        return t(locale, f"emotion.{value or 'neutral'}")
    if name == "pitch":
        return f"{float(value or 0):+g}"
    if name in SWITCHES:
        return t(locale, "settings.on" if value else "settings.off")
    return f"{value:g}" if isinstance(value, float) else str(value or {"speed": "1", "rate": "44100"}[name])


async def show(ctx: Context, sender: Sender, saved: bool = False) -> Reply:
    user = await user_for(ctx, sender)
    voices = {v.id: v.name for v in await ctx.storage.voices.list(user.id)}
    lines = [t(sender.locale, "settings.saved")] if saved else []
    lines.append(t(sender.locale, "settings.header"))
    buttons = []
    for name, key in KEYS.items():
        shown = _shown(sender.locale, name, user.settings.get(key), voices)
        label = t(sender.locale, f"settings.{name}")
        lines.append(f"• {label}: {shown}")
        buttons.append((Button(f"{label}: {shown}", Action.of("set", name)),))
    lines += await quotas.summary(ctx, user.id, sender.locale)
    lines.append(t(sender.locale, "settings.typed"))
    return Reply("\n".join(lines), tuple(buttons))


async def choices(ctx: Context, sender: Sender, name: str) -> Reply:
    """The buttons for one setting."""
    if name not in KEYS:
        raise Refusal("invalid_request", t(sender.locale, "settings.unknown", names=", ".join(KEYS)))
    user = await user_for(ctx, sender)
    if name == "voice":
        ready = [v for v in await ctx.storage.voices.list(user.id) if v.status == "completed"]
        if not ready:
            raise Refusal("no_voice", t(sender.locale, "speak.no_voice"))
        options = [(v.name, v.id) for v in ready] + [(t(sender.locale, "settings.newest"), "newest")]
    else:
        options = [(_shown(sender.locale, name, _parse(name, c), {}), c) for c in CHOICES[name]]
    rows = [tuple(Button(label, Action.of("set", name, value)) for label, value in options[i : i + 3])
            for i in range(0, len(options), 3)]  # fmt: skip
    return Reply(
        t(sender.locale, "settings.choose", setting=t(sender.locale, f"settings.{name}")), tuple(rows)
    )


def _parse(name: str, value: str) -> Any:
    if name == "format" and value == VOICE_NOTE:
        return VOICE_NOTE
    if name in ("speed", "pitch"):
        return float(value.replace(",", ".").replace("−", "-"))
    if name == "rate":
        return int(value)
    if name in SWITCHES:
        if value.lower() not in ("on", "off"):
            raise ValueError(value)
        return value.lower() == "on"
    return value.lower()


async def change(ctx: Context, sender: Sender, name: str, value: str) -> Reply:
    """Set one setting (from a button or typed as ``/settings speed 1.3``); out of range is refused."""
    if name not in KEYS:
        raise Refusal("invalid_request", t(sender.locale, "settings.unknown", names=", ".join(KEYS)))
    user = await user_for(ctx, sender)
    settings = dict(user.settings)
    key = KEYS[name]
    bad = Refusal(
        "invalid_request",
        t(sender.locale, "settings.bad", setting=t(sender.locale, f"settings.{name}"),
          allowed=t(sender.locale, f"settings.allowed.{name}")),
    )  # fmt: skip
    try:
        parsed = _parse(name, value.strip())
    except ValueError:
        raise bad from None
    if name == "voice":
        if parsed == "newest":
            parsed = None
        elif not await ctx.storage.voices.get_usable(user.id, value.strip()):
            raise Refusal("not_found", t(sender.locale, "voices.not_found"))
        else:
            parsed = value.strip()
    elif name == "language":
        if parsed not in CHOICES["language"]:
            raise bad
        parsed = None if parsed == "auto" else parsed
    elif name in SWITCHES:
        parsed = parsed or None  # off: the default
    else:
        trial = {k: settings[k] for k in ("speed", "pitch", "emotion") if k in settings}
        try:  # the contract's ranges live in SpeechOptions
            if name == "format" and parsed != VOICE_NOTE:
                SpeechOptions(output_format=parsed)
            elif name == "rate":
                SpeechOptions(sample_rate=parsed)
            elif name != "format":
                SpeechOptions(**(trial | {key: parsed}))
        except InvalidRequestError:
            raise bad from None
    if parsed is None:
        settings.pop(key, None)
    else:
        settings[key] = parsed
    await ctx.storage.users.save_settings(user.id, settings)
    if name == "language":  # answer in the language just chosen
        sender = dataclasses.replace(sender, locale=parsed or sender.locale)
    return await show(ctx, sender, saved=True)


async def typed(ctx: Context, sender: Sender, args: str) -> Reply:
    """``/settings`` alone shows them; ``/settings NAME VALUE`` sets one."""
    parts = args.split()
    if not parts:
        return await show(ctx, sender)
    if len(parts) == 1:
        return await choices(ctx, sender, parts[0].lower())
    return await change(ctx, sender, parts[0].lower(), parts[1])
