"""``voicebot doctor``: what this machine offers and what stands in the way, one line each."""

from __future__ import annotations

import json
import os
import platform
import shutil
import subprocess
import sys
from dataclasses import asdict, dataclass
from importlib import metadata
from pathlib import Path
from typing import Any

from bot.config import ConfigError, load_config, redacted

MIN_FREE_BYTES = 2 * 1024**3


@dataclass(frozen=True, slots=True)
class Check:
    name: str
    ok: bool
    detail: str
    warn: bool = False  # worth knowing, not a failure (the exit code stays 0)


def _python() -> Check:
    ok = sys.version_info >= (3, 11)
    return Check(
        "python", ok, f"{platform.python_version()} ({sys.executable})" + ("" if ok else "; need ≥ 3.11")
    )


def _ffmpeg() -> Check:
    try:
        from engine.audio.ffmpeg import ffmpeg_exe

        exe = ffmpeg_exe()
        version = subprocess.run(
            [exe, "-hide_banner", "-version"], capture_output=True, timeout=20, check=False
        )
        encoders = subprocess.run(
            [exe, "-hide_banner", "-encoders"], capture_output=True, timeout=20, check=False
        )
    except Exception as exc:  # any failure here is the finding
        return Check("ffmpeg", False, f"not usable: {exc}")
    first = version.stdout.decode(errors="replace").splitlines()[0] if version.stdout else "unknown version"
    missing = [
        c for c in ("libopus", "libmp3lame", "flac") if c not in encoders.stdout.decode(errors="replace")
    ]
    detail = f"{first.split(' Copyright')[0]} at {exe}"
    return Check("ffmpeg", not missing, detail + (f"; missing encoders {missing}" if missing else ""))


def _torch() -> Check:
    try:
        import torch
    except Exception as exc:
        return Check("torch", False, f"cannot import torch: {exc}")
    if torch.cuda.is_available():
        props = torch.cuda.get_device_properties(0)
        device = f"cuda ({props.name}, {props.total_memory / 1024**3:.0f} GiB)"
    else:
        device = "cpu (no CUDA GPU found: XTTS will be slow; the embedded engine is fine)"
    return Check("torch", True, f"{torch.__version__}, device {device}")


# The packages whose releases have broken us before (or would): shown with the range we test.
WATCHED = ("torch", "coqui-tts", "transformers", "discord.py", "aiogram")


def _declared() -> dict[str, str]:
    """Ranges from voicebot's own metadata (pyproject.toml, as installed): the one source."""
    from packaging.requirements import Requirement

    ranges = {}
    for line in metadata.requires("voicebot") or []:
        req = Requirement(line)
        if req.marker is None or req.marker.evaluate({"extra": ""}):
            ranges[_canonical(req.name)] = str(req.specifier)
    return ranges


def _canonical(name: str) -> str:
    return name.lower().replace("_", "-").replace(".", "-")


def _versions() -> list[Check]:
    from packaging.specifiers import SpecifierSet

    try:
        declared = _declared()
    except metadata.PackageNotFoundError:
        declared = {}
    checks = []
    for name in WATCHED:
        tested = declared.get(_canonical(name), "")
        try:
            version = metadata.version(name)
        except metadata.PackageNotFoundError:
            checks.append(Check(name, False, f"not installed (tested: {tested or 'any'}); run make install"))
            continue
        inside = not tested or SpecifierSet(tested).contains(version, prereleases=True)
        detail = f"{version} (tested: {tested or 'any'})"
        if not inside:
            detail += "; outside the tested range: reinstall from requirements.lock (make install)"
        checks.append(Check(name, True, detail, warn=not inside))
    return checks


# Weights the wheels ship (nothing downloads): speaker, speech detection, watermark, consent words.
MODELS = (
    ("resemblyzer", "pretrained.pt"),
    ("silero_vad", "data/silero_vad.jit"),
    ("perth", "perth_net/pretrained/implicit"),
    ("pocketsphinx", "model/en-us/en-us"),
)


def _models() -> Check:
    from importlib.util import find_spec

    problems = []
    for module, relative in MODELS:
        spec = find_spec(module)  # found, not imported: perth alone takes seconds to import
        if spec is None or spec.origin is None:
            problems.append(f"{module}: not installed")
        elif not (Path(spec.origin).parent / relative).exists():
            problems.append(f"{module}: {relative} missing")
    names = ", ".join(module for module, _ in MODELS)
    return Check("analysis models", not problems, "; ".join(problems) or f"weights present ({names})")


def _data_dir(path: Path, sqlite: bool = True) -> list[Check]:
    existing = path
    while not existing.exists() and existing != existing.parent:
        existing = existing.parent
    free = shutil.disk_usage(existing).free
    checks = [Check("disk", free >= MIN_FREE_BYTES, f"{free / 1024**3:.1f} GiB free at {existing}")]
    if path.exists():
        writable = os.access(path, os.W_OK)
        checks.append(Check("data directory", writable, f"{path}" + ("" if writable else " is not writable")))
        db = path / "voicebot.sqlite3"
        if sqlite:  # a pool's database is checked on its own (``_database``)
            size = f"{db} ({db.stat().st_size // 1024} KiB)" if db.exists() else None
            checks.append(Check("database", True, size or f"{db} will be created on first start"))
    else:
        writable = os.access(existing, os.W_OK)
        checks.append(
            Check(
                "data directory",
                writable,
                f"{path} will be created"
                if writable
                else f"{path} cannot be created: {existing} is not writable",
            )
        )
    return checks


def _xtts(config: Any) -> Check:
    from bot.app import engine_states

    state = engine_states(config)[1]
    if not state["configured"]:
        return Check("xtts", True, "not configured: voices use the embedded engine")
    detail = f"{state['detail']}; licence {state['licence']}; device {state['device']}"
    if not state["ready"] and config.engine.backend == "xtts":
        detail += " — new voices will fall back to the embedded engine"
    return Check("xtts", state["ready"], detail + (f"; VRAM {state['vram']}" if "vram" in state else ""))


def _database(url: str) -> Check:
    """A pool's PostgreSQL: reachable, its version, and the schema's against this voicebot's."""
    import psycopg

    from storage.db import migrations

    where = redacted(url)
    try:
        with psycopg.connect(url, connect_timeout=5) as conn:
            server = conn.execute("SHOW server_version").fetchone()[0]
            made = conn.execute("SELECT to_regclass('schema_version') IS NOT NULL").fetchone()[0]
            version = conn.execute("SELECT MAX(version) FROM schema_version").fetchone()[0] if made else None
    except psycopg.Error as exc:
        return Check("database", False, f"{where}: {str(exc).strip().splitlines()[0]}")
    ours = len(migrations())
    schema = f"schema {version}" if version else "no schema yet (the first start makes it)"
    ok = version is None or version <= ours
    return Check("database", ok, f"{where}: PostgreSQL {server}, {schema}; this voicebot's is {ours}")


def run_doctor(
    config_path: Path | None, data_dir: Path | None, as_json: bool = False, database: str | None = None
) -> int:
    checks = [_python(), _ffmpeg(), _torch(), *_versions(), _models()]
    try:
        config = load_config(config_path, data_dir, database)
    except ConfigError as exc:
        checks.append(Check("config", False, str(exc)))
    else:
        problems = config.problems()
        source = str(config_path or os.environ.get("VOICEBOT_CONFIG") or "defaults (no config file)")
        checks.append(Check("config", not problems, "; ".join(problems) or f"ok: {source}"))
        checks.extend(_data_dir(config.data_dir, sqlite=not config.storage.database))
        if config.storage.database:
            checks.append(_database(config.storage.database))
        checks.append(_xtts(config))
    healthy = all(c.ok for c in checks)
    if as_json:
        sys.stdout.write(json.dumps({"ok": healthy, "checks": [asdict(c) for c in checks]}, indent=2) + "\n")
    else:
        for c in checks:
            label = "BAD " if not c.ok else "WARN" if c.warn else "ok  "
            sys.stdout.write(f"{label} {c.name:<16} {c.detail}\n")
    return 0 if healthy else 1
