"""Speech as Opus packets of 20 ms (48 kHz stereo), what a voice channel carries, encoded in-process
with PyAV's libopus: a chat client then needs no Opus library of its own.

One ``OpusPackets`` per stream: chunks are fed as they arrive and the encoder's state carries over,
so sentence boundaries leave no click; ``finish`` flushes the last packet.
"""

from __future__ import annotations

import fractions

import av
import numpy as np

RATE = 48000
SILENCE = b"\xf8\xff\xfe"  # one 20 ms Opus frame of silence (what a player sends while it waits)


def _resampled(audio: np.ndarray, rate: int) -> np.ndarray:
    if rate == RATE:
        return audio
    positions = np.arange(int(len(audio) * RATE / rate)) * (rate / RATE)
    return np.interp(positions, np.arange(len(audio)), audio).astype(np.float32)


class OpusPackets:
    def __init__(self, bitrate: int = 64000) -> None:
        self._codec = av.CodecContext.create("libopus", "w")
        self._codec.sample_rate = RATE
        self._codec.layout = "stereo"
        self._codec.format = "s16"
        self._codec.bit_rate = bitrate
        self._codec.time_base = fractions.Fraction(1, RATE)
        self._codec.options = {"application": "voip", "frame_duration": "20"}
        self._codec.open()
        self._pts = 0

    def feed(self, audio: np.ndarray, rate: int) -> list[bytes]:
        """Mono float audio in; the packets it completes out (the rest waits for more, or ``finish``)."""
        pcm = (np.clip(_resampled(np.asarray(audio, dtype=np.float32), rate), -1, 1) * 32767).astype(np.int16)
        if pcm.size == 0:
            return []
        frame = av.AudioFrame.from_ndarray(np.repeat(pcm, 2)[None, :], format="s16", layout="stereo")
        frame.sample_rate, frame.pts = RATE, self._pts
        self._pts += len(pcm)
        return [bytes(packet) for packet in self._codec.encode(frame)]

    def finish(self) -> list[bytes]:
        return [bytes(packet) for packet in self._codec.encode(None)]
