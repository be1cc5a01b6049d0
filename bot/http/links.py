"""Download links we hand out (``audioUrl``, a batch's zip): the path plus a token that names its
owner and expiry, signed with this server's key, so the contract's own clients can fetch them
without a header while nobody else can forge or stretch one."""

from __future__ import annotations

import hashlib
import hmac
import os
import secrets
import time
from pathlib import Path


def load_key(folder: Path) -> bytes:
    """``$VOICEBOT_LINK_KEY`` if set, else a key made once and kept (owner-only) in the data folder."""
    if env := os.environ.get("VOICEBOT_LINK_KEY"):
        return env.encode()
    path = folder / "link.key"
    if not path.exists():
        folder.mkdir(parents=True, exist_ok=True)
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(descriptor, "w") as out:
            out.write(secrets.token_hex(32))
    return path.read_text().strip().encode()


def _signature(key: bytes, owner_id: int, path: str, expires: int) -> str:
    message = f"{owner_id}:{expires}:{path}".encode()
    return hmac.new(key, message, hashlib.sha256).hexdigest()[:32]


def sign(key: bytes, owner_id: int, path: str, ttl_s: int) -> str:
    expires = int(time.time()) + ttl_s
    return f"{owner_id}.{expires}.{_signature(key, owner_id, path, expires)}"


def owner_of(key: bytes, token: str, path: str) -> int | None:
    """The owner a token was signed for, if it is for this path and still valid."""
    try:
        owner, expires, signature = token.split(".")
        owner_id, until = int(owner), int(expires)
    except ValueError:
        return None
    if until < time.time() or not hmac.compare_digest(signature, _signature(key, owner_id, path, until)):
        return None
    return owner_id
