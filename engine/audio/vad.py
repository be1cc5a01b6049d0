"""Voice-activity detection with Silero VAD (its weights ship inside the wheel).

Silero is a streaming model fed 32 ms windows one by one, which is slow from Python. We cut the
clip into segments of at most 1 s, each given 256 ms of the audio before it to settle, and run them
as one batch, dropping the warm-up outputs: a clip costs 16 to 39 model calls, not one per 32 ms.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass

import numpy as np

from engine.lazy import Lazy

RATE = 16000
WINDOW = 512  # samples per Silero window at 16 kHz (32 ms)
_MAX_SEGMENT = 31  # windows per batched segment (~1 s)
_MIN_SEGMENT = 8
_ROWS = 16  # short clips get shorter segments, so about this many rows run side by side
_WARMUP = 8  # windows of overlap given to each segment to settle its state


@dataclass(frozen=True, slots=True)
class Segment:
    start: float  # seconds
    end: float
    confidence: float = 1.0  # mean speech probability inside the span

    @property
    def duration(self) -> float:
        return self.end - self.start


def _load():
    from silero_vad import load_silero_vad

    return load_silero_vad()


class SileroVad:
    """Loads the model once, on first use; ``speech_segments`` is safe to call from several threads."""

    def __init__(self) -> None:
        self._loaded = Lazy(_load)
        self._lock = threading.Lock()

    @property
    def _model(self):
        return self._loaded.get()

    @property
    def _torch(self):
        import torch

        return torch

    def probabilities(self, audio16k: np.ndarray) -> np.ndarray:
        """Speech probability for each 32 ms window of 16 kHz mono audio."""
        torch = self._torch
        n = len(audio16k) // WINDOW
        if n == 0:
            return np.zeros(0, dtype=np.float32)
        frames = audio16k[: n * WINDOW].reshape(n, WINDOW).astype(np.float32)
        segment = int(np.clip(-(-n // _ROWS), _MIN_SEGMENT, _MAX_SEGMENT))
        starts = list(range(0, n, segment))
        steps = segment + _WARMUP
        batch = np.zeros((len(starts), steps, WINDOW), dtype=np.float32)
        for row, start in enumerate(starts):
            first = max(0, start - _WARMUP)
            chunk = frames[first : min(n, start + segment)]
            # Right-align so every row's real windows end together; warm-up comes first.
            offset = _WARMUP - (start - first)
            batch[row, offset : offset + len(chunk)] = chunk
        out = np.zeros((len(starts), steps), dtype=np.float32)
        with self._lock, torch.inference_mode():
            self._model.reset_states()
            tensor = torch.from_numpy(batch)
            for step in range(steps):
                out[:, step] = self._model(tensor[:, step, :], RATE).numpy()[:, 0]
        probs = out[:, _WARMUP:].reshape(-1)[:n]
        return probs

    def speech_segments(
        self,
        audio16k: np.ndarray,
        threshold: float = 0.5,
        min_speech_s: float = 0.25,
        min_silence_s: float = 0.1,
    ) -> list[Segment]:
        return segments_from_probabilities(
            self.probabilities(audio16k), threshold, min_speech_s, min_silence_s
        )


def segments_from_probabilities(
    probs: np.ndarray, threshold: float = 0.5, min_speech_s: float = 0.25, min_silence_s: float = 0.1
) -> list[Segment]:
    """Speech spans with hysteresis (enter at ``threshold``, leave 0.15 below it)."""
    step = WINDOW / RATE
    leave = threshold - 0.15
    spans: list[list[int]] = []
    inside = False
    for i, p in enumerate(probs):
        if not inside and p >= threshold:
            inside = True
            spans.append([i, i + 1])
        elif inside:
            if p >= leave:
                spans[-1][1] = i + 1
            else:
                inside = False
    merged: list[list[int]] = []
    for span in spans:
        if merged and (span[0] - merged[-1][1]) * step < min_silence_s:
            merged[-1][1] = span[1]
        else:
            merged.append(span)
    return [
        Segment(a * step, b * step, float(np.mean(probs[a:b])))
        for a, b in merged
        if (b - a) * step >= min_speech_s
    ]
