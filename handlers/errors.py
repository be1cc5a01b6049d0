"""Refusals a person can act on. ``code`` is stable; ``message`` is written for them; ``key`` and
``values`` let a front end say it again in another language (``handlers.messages.describe``)."""

from __future__ import annotations

from typing import Any


class Refusal(Exception):
    def __init__(
        self, code: str, message: str, key: str | None = None, *, details: Any = None, **values: Any
    ) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.key = key or code
        self.details = details  # e.g. the files left out, each with its reason
        self.values = values

    @classmethod
    def of(cls, exc: Any, prefix: str = "") -> Refusal:
        """A typed engine or queue error as a refusal, keeping its key and figures."""
        return cls(exc.code, prefix + exc.message, getattr(exc, "key", None), **getattr(exc, "values", {}))

    def to_dict(self) -> dict[str, str]:
        return {"code": self.code, "message": self.message}
