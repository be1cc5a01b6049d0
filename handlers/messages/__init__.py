"""Every sentence the bot says, per language (the contract's nine; English when one is missing).

Catalogs are plain dicts, one module per language, with the same keys and the same ``{fields}``
(tests/handlers/test_messages.py checks both).
"""

from __future__ import annotations

from importlib import import_module
from typing import Any

from engine.audio.language import LANGUAGES
from engine.jobs.queue import eta_parts
from storage.db import is_busy
from storage.files import no_room

# The version of "consent.statement", the same in every catalog: change them together.
CONSENT_VERSION = "2026-11"


def catalog(language: str) -> dict[str, str]:
    return import_module(f"handlers.messages.{language}").MESSAGES


def locale_of(code: str | None) -> str:
    """The catalog for a platform language code ("pt-BR" -> "pt"); English otherwise."""
    short = (code or "").split("-")[0].split("_")[0].lower()
    return short if short in LANGUAGES else "en"


def step(locale: str | None, name: str) -> str:
    """A job step ("training", "fine-tuning" …) in the person's words; unknown steps as they are."""
    text = catalog(locale_of(locale)).get(f"step.{name}") or catalog("en").get(f"step.{name}")
    return text or name


def t(locale: str | None, key: str, **fields: Any) -> str:
    text = catalog(locale_of(locale)).get(key) or catalog("en")[key]
    return text.format(**fields)


def describe(locale: str | None, error: Any) -> str:
    """A typed error (``AudioError``, ``Refusal``) in the person's words, from its key and values; a
    key the catalog lacks gets the general sentence, never the engine's English."""
    return describe_key(locale, error.key, getattr(error, "values", {}))


def describe_key(locale: str | None, key: str, values: dict[str, Any]) -> str:
    key = f"audio.{key}"
    values = {k: _figure(v) for k, v in values.items()}
    if key in catalog("en"):
        try:
            return t(locale, key, **values)
        except (KeyError, IndexError):
            pass
    return t(locale, "audio.audio_error")


def spoken(locale: str | None, error: Any) -> str:
    """An engine's typed error in the person's words where the catalog has its sentence, else its
    own (English) message."""
    return describe(locale, error) if f"audio.{error.key}" in catalog("en") else error.message


def unexpected(locale: str | None, error: BaseException) -> str:
    """What a person is told of an error no rule caught: a typed one the catalog has a sentence for
    (a full disk) in their words, anything else as the general sentence (the log has the rest)."""
    key = getattr(error, "key", None)
    if isinstance(key, str) and f"audio.{key}" in catalog("en"):
        return describe(locale, error)
    if no_room(error):  # a temporary file outside the store, say
        return t(locale, "audio.storage_full")
    if is_busy(error):
        return t(locale, "audio.busy")
    return t(locale, "error.internal")


def failure(locale: str | None, data: dict[str, Any]) -> str:
    """Why a job failed (its failed event's data), in the person's language where the catalog has
    the sentence; otherwise the worker's own words."""
    key = data.get("key") or data.get("code")
    if key and f"audio.{key}" in catalog("en"):
        return describe_key(locale, key, data.get("values") or {})
    if key == "internal_error":  # the details are in the operator's log
        return t(locale, "error.internal")
    return data.get("message") or t(locale, "error.internal")


def _figure(value: Any) -> Any:
    """600.0 -> "600", 0.94 -> "0.9": figures as a person reads them."""
    if isinstance(value, float):
        return f"{value:.1f}".removesuffix(".0")
    return value


def eta(locale: str | None, seconds: float | None) -> str:
    """Time left in the person's words ("about 40 s", "about 3 min", "unknown")."""
    if seconds is None:
        return t(locale, "eta.unknown")
    n, unit = eta_parts(seconds)
    return t(locale, "eta.seconds" if unit == "s" else "eta.minutes", n=n)
