"""Untrusted uploads read in-process with PyAV (FFmpeg's libraries): facts from structures, not logs.

``probe_file`` is the cheap check that runs before anything is kept or any model is loaded: size,
emptiness, container, audio stream, codec and declared length. ``decode_file`` then decodes the
first audio stream to mono float32. Demuxers, decoders and protocols are whitelisted inside FFmpeg
(an image renamed .mp3 is refused before it is parsed; a playlist cannot open a socket); decoding
stops at the duration cap whatever a header claims, and at the wall-clock timeout.
"""

from __future__ import annotations

import os
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from engine.errors import (
    CorruptAudioError,
    DecodeTimeoutError,
    EmptyFileError,
    FileTooLargeError,
    NoAudioTrackError,
    NotAudioError,
    TooLongError,
    UnsupportedFormatError,
)

# Demuxers and decoders FFmpeg may use on an upload; anything else is refused before it is parsed.
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
_OPTIONS = {
    "protocol_whitelist": "file",
    "format_whitelist": ",".join(DEMUXERS),
    "codec_whitelist": ",".join(DECODERS),
    "probesize": str(5 * 2**20),  # bounds the work of opening a file, whatever it holds
}
_MAX_BAD_PACKETS = 0.05  # share of packets that may fail to decode before the file counts as damaged
MIB = 2**20


@dataclass(frozen=True, slots=True)
class Limits:
    max_bytes: int = 20 * MIB
    max_seconds: float = 600.0
    timeout_s: float = 60.0


@dataclass(frozen=True, slots=True)
class Probe:
    container: str
    codec: str
    source_rate: int | None
    duration: float | None  # as the container declares it


@dataclass(frozen=True, slots=True)
class Decoded:
    samples: np.ndarray  # float32 mono in [-1, 1]
    rate: int
    probe: Probe

    @property
    def duration(self) -> float:
        return len(self.samples) / self.rate


def check_size(size: int, limits: Limits) -> None:
    """The first check on every path (CLI, chats, HTTP): before a byte is read or copied."""
    if size == 0:
        raise EmptyFileError("The file is empty.")
    if size > limits.max_bytes:
        raise FileTooLargeError(
            f"The file is {size / MIB:.1f} MiB; the limit is {limits.max_bytes / MIB:g} MiB.",
            size_mib=round(size / MIB, 1),
            limit_mib=round(limits.max_bytes / MIB, 1),
        )


def _open(path: Path):
    import av

    try:
        return av.open(str(path), options=_OPTIONS, metadata_errors="ignore")
    except Exception:  # whatever FFmpeg or PyAV makes of a hostile header: not a file we can read
        raise _unopenable(path) from None


def _unopenable(path: Path) -> Exception:
    with path.open("rb") as handle:
        head = handle.read(12)
    if head[4:8] == b"ftyp":  # an MP4/M4A whose index (at the end) never arrived
        return CorruptAudioError(
            "The file looks cut off (its index is missing). Please send it again.", key="cut_off"
        )
    return NotAudioError("This file isn't a recording we accept.")


def _describe(container, limits: Limits) -> Probe:
    names = container.format.name.split(",")
    if not set(names) & set(DEMUXERS):  # FFmpeg refused it already; kept as a second lock
        raise NotAudioError("This file isn't a recording we accept.")
    streams = container.streams.audio
    if not streams:
        raise NoAudioTrackError("This file has no audio track.")
    stream = streams[0]
    context = stream.codec_context  # None when FFmpeg has no decoder for it at all
    decoder = context.codec if context is not None else None
    codec = decoder.canonical_name if decoder else "unknown"  # "mp3", not the decoder's "mp3float"
    if decoder is None or codec not in DECODERS or decoder.name not in DECODERS:
        raise UnsupportedFormatError("This file's audio codec isn't accepted.", codec=codec)
    duration = None
    if stream.duration is not None and stream.time_base is not None:
        duration = float(stream.duration * stream.time_base)
    elif container.duration is not None:
        duration = container.duration / 1_000_000
    if duration is not None and duration > limits.max_seconds:
        raise _too_long(limits)
    return Probe(
        container=names[0],
        codec=codec,
        source_rate=context.sample_rate or None,
        duration=duration,
    )


def probe_file(path: Path, limits: Limits) -> Probe:
    """The cheap checks, in order of cost; raises a typed ``AudioError``. Reads only the header."""
    check_size(path.stat().st_size, limits)
    with _open(path) as container:
        return _describe(container, limits)


def decode_file(path: Path, rate: int, limits: Limits) -> Decoded:
    """Decode an untrusted file to mono float32 at ``rate``; raises a typed ``AudioError``."""
    import av

    check_size(path.stat().st_size, limits)
    started = time.monotonic()
    cap = int((limits.max_seconds + 1) * rate)
    chunks: list[np.ndarray] = []
    have = packets = bad = 0
    with _open(path) as container:
        info = _describe(container, limits)
        stream = container.streams.audio[0]
        resampler = av.AudioResampler(format="flt", layout="mono", rate=rate)
        packets_in = container.demux(stream)
        while True:
            try:
                packet = next(packets_in)
            except StopIteration:
                break
            except av.error.FFmpegError:  # the container breaks off: judged below by what came out
                bad += 1
                break
            if time.monotonic() - started > limits.timeout_s:
                raise DecodeTimeoutError(
                    f"Decoding took longer than {limits.timeout_s:g} s and was stopped;"
                    " the file may be damaged.",
                    limit_s=limits.timeout_s,
                )
            packets += 1
            try:
                for frame in packet.decode():
                    frame.pts = None  # the resampler keeps its own clock; a damaged pts must not stop it
                    for out in resampler.resample(frame):
                        chunks.append(out.to_ndarray().reshape(-1))
                        have += out.samples
            except (av.error.FFmpegError, ValueError):  # a bad packet, or a frame the resampler refuses
                bad += 1
            if have > cap:
                raise _too_long(limits)
        if have:
            for out in resampler.resample(None):
                chunks.append(out.to_ndarray().reshape(-1))
    samples = np.concatenate(chunks).astype(np.float32) if chunks else np.zeros(0, np.float32)
    damaged = CorruptAudioError("The audio is damaged and couldn't be decoded. Please send it again.")
    if samples.size == 0:
        raise damaged
    decoded = len(samples) / rate
    if decoded > limits.max_seconds:
        raise _too_long(limits)
    # A file cut short still decodes up to the cut: compare with the declared length, and for OGG and
    # WAV (whose declared length FFmpeg derives from what is there) check the container's own framing.
    if info.duration and decoded < 0.9 * info.duration - 0.2:
        raise CorruptAudioError(
            f"The file looks cut off: it should last {info.duration:.1f} s but only {decoded:.1f} s"
            " could be decoded. Please send it again.",
            key="cut_off_at",
            declared_s=round(info.duration, 1),
            decoded_s=round(decoded, 1),
        )
    if not _framing_intact(path, info.container):
        raise CorruptAudioError(
            "The file looks cut off (its end is missing). Please send it again.", key="cut_off"
        )
    if bad > _MAX_BAD_PACKETS * packets:
        raise damaged
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
    check_size(len(data), limits)
    with tempfile.TemporaryDirectory(prefix="voicebot-decode-") as folder:
        path = Path(folder) / "upload"
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        return decode_file(path, rate, limits)


def _too_long(limits: Limits) -> TooLongError:
    # Only the limit is stated: a header's claim is not a measurement, and decoding stops at the cap.
    return TooLongError(
        f"The audio is longer than the limit of {limits.max_seconds:g} s per file."
        " Split it and send the parts.",
        limit_s=limits.max_seconds,
    )
