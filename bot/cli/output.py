"""What every command prints: JSON in the contract's field names, and one error shape."""

from __future__ import annotations

import argparse
import json
import os
import sys
from typing import Any, NoReturn


def emit(payload: dict[str, Any]) -> None:
    sys.stdout.write(json.dumps(payload, indent=2, ensure_ascii=False) + "\n")


def user_locale() -> str:
    """The terminal's language, as POSIX orders it (LC_ALL, LC_MESSAGES, LANG): what the handlers'
    sentences are said in ("fr_FR.UTF-8" -> "fr"; C, POSIX and the unknown -> English)."""
    from handlers.messages import locale_of

    for name in ("LC_ALL", "LC_MESSAGES", "LANG"):
        if value := os.environ.get(name):
            return locale_of(value)
    return "en"


def fail(code: str, message: str, **extra: Any) -> int:
    emit({"error": {"code": code, "message": message, **extra}})
    return 2


class Parser(argparse.ArgumentParser):
    """Usage mistakes keep the CLI's one shape: ``{"error": {"code", "message"}}`` and exit 2."""

    def error(self, message: str) -> NoReturn:
        fail("invalid_request", f"{self.prog}: {message}")
        sys.exit(2)
