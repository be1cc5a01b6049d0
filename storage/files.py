"""File store for samples, voice models and outputs.

Paths are built only from our own ids and hashes (checked against a strict pattern), never from a
name a user typed. Writes go to a temporary file in the same folder and are renamed into place, so a
reader never sees half a file and a crash leaves no partial one under the final name.
"""

from __future__ import annotations

import errno
import os
import re
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import BinaryIO

_PART = re.compile(r"^[A-Za-z0-9_]{1,80}$")
_EXT = re.compile(r"^[a-z0-9]{1,8}$")


_FULL = {errno.ENOSPC, errno.EFBIG, errno.EDQUOT}


class StoreFullError(OSError):
    """No room to write (the disk or a quota full, a file-size limit): shaped as a refusal
    (``code``, ``message``, ``key``) so a job fails at once and each front end says it in the
    person's words; nothing of the write is left."""

    code = key = "storage_full"
    message = "The server has no room left to keep this; nothing was kept. Please try again later."
    values: dict = {}  # noqa: RUF012 — read-only, as on the typed audio errors


def _part(value: str | int) -> str:
    text = str(value)
    if not _PART.match(text):
        raise ValueError(f"unsafe path component {text!r}")
    return text


def no_room(exc: BaseException) -> bool:
    """Whether an error says the disk (or a quota, or a file-size limit) has no room: a store's
    write, or a temporary file anywhere."""
    return isinstance(exc, OSError) and exc.errno in _FULL


@contextmanager
def _room() -> Iterator[None]:
    """An OSError saying there is no room becomes ``StoreFullError``; any other stays itself."""
    try:
        yield
    except OSError as exc:
        if no_room(exc) and not isinstance(exc, StoreFullError):
            raise StoreFullError(exc.errno, os.strerror(exc.errno)) from exc
        raise


class FileStore:
    def __init__(self, root: Path) -> None:
        self.root = root
        root.mkdir(parents=True, exist_ok=True)

    def sample_path(self, owner_id: int, sample_id: str, ext: str = "flac") -> Path:
        return self.root / "samples" / _part(owner_id) / f"{_part(sample_id)}.{self._ext(ext)}"

    def voice_dir(self, owner_id: int, voice_id: str) -> Path:
        return self.root / "voices" / _part(owner_id) / _part(voice_id)

    def consent_path(self, owner_id: int, voice_id: str) -> Path:
        """The recording that proved the speaker's consent: goes with the voice's folder."""
        return self.voice_dir(owner_id, voice_id) / "consent" / "recording.flac"

    def upload_path(self, owner_id: int, voice_id: str, index: int) -> Path:
        """A raw upload waiting for its training job; removed when the job ends."""
        return self.voice_dir(owner_id, voice_id) / "uploads" / f"upload_{int(index):03d}.bin"

    def job_dir(self, owner_id: int, job_id: str) -> Path:
        """A job's streamed chunks and batch zip."""
        return self.root / "jobs" / _part(owner_id) / _part(job_id)

    def output_path(self, owner_id: int, generation_id: str, ext: str) -> Path:
        return self.root / "outputs" / _part(owner_id) / f"{_part(generation_id)}.{self._ext(ext)}"

    def export_path(self, owner_id: int, name: str) -> Path:
        """A person's data export (``/mydata``, a zip), kept only while it is being sent."""
        return self.root / "exports" / _part(owner_id) / f"{_part(name)}.zip"

    def check_path(self, owner_id: int, name: str) -> Path:
        """A voice note handed to a worker to check (``handlers/checks.py``), kept only meanwhile."""
        return self.root / "checks" / _part(owner_id) / f"{_part(name)}.bin"

    def purge_checks(self, before: float) -> int:
        """Staged checks older than ``before`` (Unix time): left by a host that stopped mid-check."""
        stale = [p for p in (self.root / "checks").glob("*/*.bin") if p.stat().st_mtime < before]
        for path in stale:
            path.unlink(missing_ok=True)
        return len(stale)

    def owner_dirs(self, owner_id: int) -> list[Path]:
        kinds = ("samples", "voices", "outputs", "jobs", "exports", "checks")
        return [self.root / kind / _part(owner_id) for kind in kinds]

    @contextmanager
    def _atomic(self, path: Path, place=None) -> Iterator[BinaryIO]:
        """A handle whose bytes appear at ``path`` only whole (temp file + fsync + ``place``: a
        rename, or a link that fails if ``path`` exists)."""
        self._check_inside(path)
        with _room():
            path.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-", suffix=path.suffix)
        try:
            with _room(), os.fdopen(fd, "wb") as handle:
                yield handle
                handle.flush()
                os.fsync(handle.fileno())
            with _room():
                (place or os.replace)(tmp, path)
        finally:
            Path(tmp).unlink(missing_ok=True)  # gone already after a rename

    def write(self, path: Path, data: bytes) -> Path:
        """Atomically write ``data`` to ``path``."""
        with self._atomic(path) as handle:
            handle.write(data)
        return path

    def write_once(self, path: Path, data: bytes) -> bytes:
        """``data`` at ``path`` unless a file is there already (made whole, then linked: of hosts
        starting together one wins, and every one reads the same bytes); what ``path`` holds."""
        try:
            with self._atomic(path, place=os.link) as handle:
                handle.write(data)
        except FileExistsError:
            return path.read_bytes()
        return data

    def copy_in(self, source: Path, path: Path, max_bytes: int, chunk: int = 2**20) -> Path:
        """Stream ``source`` (outside the store) to ``path`` atomically, ``chunk`` bytes at a time;
        ``ValueError`` if it grows past ``max_bytes`` meanwhile (nothing is left behind)."""
        with self._atomic(path) as handle, source.open("rb") as src:
            copied = 0
            while block := src.read(chunk):
                copied += len(block)
                if copied > max_bytes:
                    raise ValueError(f"{source} grew past {max_bytes} bytes while it was copied")
                handle.write(block)
        return path

    def read(self, path: Path) -> bytes:
        self._check_inside(path)
        return path.read_bytes()

    def delete(self, path: Path) -> bool:
        self._check_inside(path)
        if path.is_dir():
            shutil.rmtree(path)
            return True
        try:
            path.unlink()
        except FileNotFoundError:
            return False
        return True

    def _check_inside(self, path: Path) -> None:
        if not path.resolve().is_relative_to(self.root.resolve()):
            raise ValueError(f"{path} is outside the file store")

    @staticmethod
    def _ext(ext: str) -> str:
        if not _EXT.match(ext):
            raise ValueError(f"unsafe file extension {ext!r}")
        return ext
