"""Hardened decoding of untrusted uploads with the ffmpeg from the imageio-ffmpeg wheel.

Demuxers and decoders are whitelisted inside ffmpeg (an image renamed .mp3 is refused before it is
parsed). Every run has ``-nostdin``, a ``file,pipe`` protocol whitelist, a wall-clock timeout that
kills it, a CPU-time limit, and a zero file-size limit (it may write only to its pipe).
"""

from __future__ import annotations

import os
import re
import resource
import subprocess
import tempfile
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import numpy as np

from engine.errors import (
    CorruptAudioError,
    DecodeTimeoutError,
    EmptyFileError,
    FileTooLargeError,
    NotAudioError,
    TooLongError,
    UnsupportedFormatError,
)

# Demuxers and decoders ffmpeg may use on an upload; anything else is refused before it is parsed.
DEMUXERS = ("ogg", "mp3", "wav", "flac", "mov", "matroska", "aac")
DECODERS = (
    "opus",
    "libopus",
    "vorbis",
    "libvorbis",
    "mp3",
    "mp3float",
    "aac",
    "aac_fixed",
    "flac",
    "alac",
    "pcm_s16le",
    "pcm_s24le",
    "pcm_s32le",
    "pcm_f32le",
    "pcm_f64le",
    "pcm_u8",
    "pcm_alaw",
    "pcm_mulaw",
)
SUPPORTED_HINT = "send a voice note or an OGG/Opus, MP3, WAV, FLAC, M4A/AAC or WebM file"

_INPUT = re.compile(r"^Input #0, (?P<fmt>[^ ]+), from", re.M)
_DURATION = re.compile(r"Duration: (?:(?P<h>\d+):(?P<m>\d+):(?P<s>[\d.]+)|N/A)")
_AUDIO = re.compile(r"Stream #0:\d+[^:]*: Audio: (?P<codec>[a-z0-9_]+)[^,\n]*(?:, (?P<rate>\d+) Hz)?")


@dataclass(frozen=True, slots=True)
class Limits:
    max_bytes: int = 20 * 1024 * 1024
    max_seconds: float = 600.0
    timeout_s: float = 60.0


@dataclass(frozen=True, slots=True)
class Probe:
    container: str
    codec: str
    source_rate: int | None
    duration: float | None


@dataclass(frozen=True, slots=True)
class Decoded:
    samples: np.ndarray  # float32 mono in [-1, 1]
    rate: int
    probe: Probe

    @property
    def duration(self) -> float:
        return len(self.samples) / self.rate


@cache
def ffmpeg_exe() -> str:
    """The bundled ffmpeg (``IMAGEIO_FFMPEG_EXE`` may point elsewhere)."""
    import imageio_ffmpeg

    return imageio_ffmpeg.get_ffmpeg_exe()


def _limit(pid: int, cpu_seconds: int) -> None:
    """CPU-time and file-size limits on the running ffmpeg (set just after spawn: a ``preexec_fn``
    would force a full fork of this process, ~30 ms with torch loaded, instead of vfork)."""
    if not hasattr(resource, "prlimit"):  # not Linux: the wall-clock timeout still applies
        return
    try:
        resource.prlimit(pid, resource.RLIMIT_CPU, (cpu_seconds, cpu_seconds))
        resource.prlimit(pid, resource.RLIMIT_FSIZE, (0, 0))
    except ProcessLookupError:  # already finished
        pass


def run_ffmpeg(args: list[str], timeout_s: float) -> subprocess.CompletedProcess[bytes]:
    """Run ffmpeg with the hardening flags; kill it (and raise) when the timeout passes."""
    cmd = [ffmpeg_exe(), "-nostdin", "-hide_banner", "-nostats", *args]
    proc = subprocess.Popen(
        cmd,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        start_new_session=True,
    )
    _limit(proc.pid, int(timeout_s) + 1)
    try:
        out, err = proc.communicate(timeout=timeout_s)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.communicate()
        raise DecodeTimeoutError(
            f"Decoding took longer than {timeout_s:g} s and was stopped; the file may be damaged."
        ) from None
    return subprocess.CompletedProcess(cmd, proc.returncode, out, err)


def _describe(text: str) -> Probe:
    """What ffmpeg said about the input (at ``-v info``) before decoding it."""
    match = _INPUT.search(text)
    audio = _AUDIO.search(text)
    if match is None or audio is None:
        raise _refusal(text)
    duration = None
    dur = _DURATION.search(text)
    if dur and dur.group("h") is not None:
        duration = int(dur.group("h")) * 3600 + int(dur.group("m")) * 60 + float(dur.group("s"))
    rate = int(audio.group("rate")) if audio.group("rate") else None
    return Probe(
        container=match.group("fmt").rstrip(","),
        codec=audio.group("codec"),
        source_rate=rate,
        duration=duration,
    )


def _refusal(text: str) -> Exception:
    if "Format not on whitelist" in text:
        return NotAudioError(f"This file isn't a recording we accept; {SUPPORTED_HINT}.")
    if _INPUT.search(text) and not _AUDIO.search(text):
        return NotAudioError(f"This file has no audio track; {SUPPORTED_HINT}.")
    if "not on whitelist" in text:
        return UnsupportedFormatError(f"This file's audio codec isn't accepted; {SUPPORTED_HINT}.")
    if "moov atom not found" in text:
        return CorruptAudioError("The file looks cut off (its index is missing). Please send it again.")
    return NotAudioError(f"This file isn't audio we can read; {SUPPORTED_HINT}.")


def decode_file(path: Path, rate: int, limits: Limits) -> Decoded:
    """Decode an untrusted file to mono float32 at ``rate``; raises a typed ``AudioError``.

    One ffmpeg run: demuxers and decoders are whitelisted inside ffmpeg, and ``-t`` bounds the work
    for a file longer than the cap (whatever its header claims).
    """
    size = path.stat().st_size
    if size == 0:
        raise EmptyFileError("The file is empty.")
    if size > limits.max_bytes:
        raise FileTooLargeError(
            f"The file is {size / 1e6:.1f} MB; the limit is {limits.max_bytes / 1e6:.0f} MB."
        )
    result = run_ffmpeg(
        [
            "-v",
            "info",
            "-protocol_whitelist",
            "file,pipe",
            "-format_whitelist",
            ",".join(DEMUXERS),
            "-codec_whitelist",
            ",".join(DECODERS),
            "-i",
            str(path),
            "-map",
            "0:a:0",
            "-vn",
            "-sn",
            "-dn",
            "-ac",
            "1",
            "-ar",
            str(rate),
            "-t",
            f"{limits.max_seconds + 1:.3f}",
            "-f",
            "f32le",
            "pipe:1",
        ],
        limits.timeout_s,
    )
    text = result.stderr.decode("utf-8", "replace")
    info = _describe(text)
    if info.duration is not None and info.duration > limits.max_seconds:
        raise TooLongError(_too_long(info.duration, limits))
    samples = np.frombuffer(result.stdout, dtype="<f4").astype(np.float32)
    if result.returncode != 0 or samples.size == 0:
        if "not on whitelist" in text:
            raise _refusal(text)
        raise CorruptAudioError("The audio is damaged and couldn't be decoded. Please send it again.")
    decoded = len(samples) / rate
    if decoded > limits.max_seconds:
        raise TooLongError(_too_long(decoded, limits))
    # A file cut short still decodes up to the cut: compare with the declared length, and for OGG and
    # WAV (whose declared length ffmpeg derives from what is there) check the container's own framing.
    if info.duration and decoded < 0.9 * info.duration - 0.2:
        raise CorruptAudioError(
            f"The file looks cut off: it should last {info.duration:.1f} s but only {decoded:.1f} s"
            " could be decoded. Please send it again."
        )
    if not _framing_intact(path, info.container):
        raise CorruptAudioError("The file looks cut off (its end is missing). Please send it again.")
    np.clip(samples, -1.0, 1.0, out=samples)
    return Decoded(samples=samples, rate=rate, probe=info)


def _framing_intact(path: Path, container: str) -> bool:
    size = path.stat().st_size
    with path.open("rb") as handle:
        if container == "ogg":
            # The last page must be complete and carry the end-of-stream flag.
            handle.seek(max(0, size - 65536))
            tail = handle.read()
            start = tail.rfind(b"OggS")
            if start < 0 or len(tail) - start < 27:
                return False
            nsegs = tail[start + 26]
            table = tail[start + 27 : start + 27 + nsegs]
            complete = len(table) == nsegs and start + 27 + nsegs + sum(table) == len(tail)
            return complete and bool(tail[start + 5] & 0x04)
        if container == "wav":
            head = handle.read(4096)
            at = head.find(b"data", 12)
            if at < 0 or len(head) < at + 8:
                return False
            declared = int.from_bytes(head[at + 4 : at + 8], "little")
            return declared in (0, 0xFFFFFFFF) or at + 8 + declared <= size
    return True


def decode_bytes(data: bytes, rate: int, limits: Limits) -> Decoded:
    """Decode an upload held in memory through a private temporary file (M4A needs seeking)."""
    if not data:
        raise EmptyFileError("The file is empty.")
    if len(data) > limits.max_bytes:
        raise FileTooLargeError(
            f"The file is {len(data) / 1e6:.1f} MB; the limit is {limits.max_bytes / 1e6:.0f} MB."
        )
    with tempfile.TemporaryDirectory(prefix="voicebot-decode-") as folder:
        path = Path(folder) / "upload"
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        return decode_file(path, rate, limits)


def _too_long(seconds: float, limits: Limits) -> str:
    return (
        f"The audio lasts {seconds:.0f} s; the limit is {limits.max_seconds:.0f} s per file."
        " Split it and send the parts."
    )
