"""Speech encoded as it is made, for a client that plays while we speak (OpenAI's formats).

Chunks go in as they are synthesised; bytes come out as soon as the encoder has them. PCM and WAV
are written here (a WAV header with open-ended sizes, as streaming servers send); the others go
through one ffmpeg per stream, started before the first chunk so its start-up is hidden behind the
first sentence, and flushing every packet.
"""

from __future__ import annotations

import asyncio
import contextlib
import struct
from collections.abc import AsyncIterator

import numpy as np
import soxr

from engine.audio.ffmpeg import ffmpeg_exe, limit_process

RATE = 24000  # what OpenAI's endpoint sends; its "pcm" is this rate, 16-bit, mono, little-endian
FORMATS = ("mp3", "opus", "aac", "flac", "wav", "pcm")
MEDIA = {
    "mp3": "audio/mpeg",
    "opus": "audio/ogg",
    "aac": "audio/aac",
    "flac": "audio/flac",
    "wav": "audio/wav",
    "pcm": "audio/pcm",
}
_CODECS = {
    "mp3": ["-c:a", "libmp3lame", "-b:a", "96k", "-write_xing", "0", "-f", "mp3"],
    # Ogg pages of 100 ms (the default second would hold the stream back a second at a time)
    "opus": ["-ar", "48000", "-c:a", "libopus", "-b:a", "48k", "-page_duration", "100000", "-f", "ogg"],
    "aac": ["-c:a", "aac", "-b:a", "96k", "-f", "adts"],
    "flac": ["-c:a", "flac", "-f", "flac"],
}
CPU_LIMIT_S = 900  # one stream's encoder, however long the text


def pcm16(audio: np.ndarray, rate: int) -> bytes:
    if rate != RATE:
        audio = soxr.resample(np.asarray(audio, dtype=np.float32), rate, RATE)
    return (np.clip(audio, -1, 1) * 32767).astype("<i2").tobytes()


def wav_header() -> bytes:
    """16-bit mono at ``RATE``, sizes left open (0xFFFFFFFF): the length is not known yet."""
    fmt = struct.pack("<HHIIHH", 1, 1, RATE, RATE * 2, 2, 16)
    return b"RIFF\xff\xff\xff\xffWAVEfmt " + struct.pack("<I", 16) + fmt + b"data\xff\xff\xff\xff"


async def encode(chunks: AsyncIterator[tuple[np.ndarray, int]], fmt: str) -> AsyncIterator[bytes]:
    """The stream in ``fmt``; closing it early (the client left) stops the encoder too."""
    if fmt not in FORMATS:
        raise ValueError(f"response_format must be one of {', '.join(FORMATS)}")
    if fmt in ("pcm", "wav"):
        if fmt == "wav":
            yield wav_header()
        async for audio, rate in chunks:
            yield await asyncio.to_thread(pcm16, audio, rate)
        return
    proc = await asyncio.create_subprocess_exec(
        ffmpeg_exe(), "-hide_banner", "-nostats", "-loglevel", "error",
        "-f", "s16le", "-ar", str(RATE), "-ac", "1", "-i", "pipe:0",
        *_CODECS[fmt], "-flush_packets", "1", "pipe:1",
        stdin=asyncio.subprocess.PIPE, stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.DEVNULL, start_new_session=True,
    )  # fmt: skip
    limit_process(proc.pid, CPU_LIMIT_S)
    assert proc.stdin is not None and proc.stdout is not None
    stdin = proc.stdin

    async def feed() -> None:
        try:
            async for audio, rate in chunks:
                stdin.write(await asyncio.to_thread(pcm16, audio, rate))
                await stdin.drain()
        finally:
            with contextlib.suppress(OSError):
                stdin.close()

    feeding = asyncio.create_task(feed())
    try:
        while data := await proc.stdout.read(65536):
            yield data
        await feeding  # a failure feeding (the job failed) surfaces here
        if await proc.wait() != 0:
            raise RuntimeError(f"the {fmt} encoder stopped with status {proc.returncode}")
    finally:
        feeding.cancel()
        with contextlib.suppress(asyncio.CancelledError, Exception):
            await feeding
        if proc.returncode is None:
            proc.kill()
            await proc.wait()
