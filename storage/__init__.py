"""Persistence: SQLite (aiosqlite) repositories and the file store. No SQL lives outside this package."""

from storage.store import Storage

__all__ = ["Storage"]
