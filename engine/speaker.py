"""Speaker embeddings (resemblyzer's GE2E encoder, weights shipped in its wheel) and set consistency."""

from __future__ import annotations

import threading
from collections.abc import Sequence

import numpy as np
from scipy import signal

EMBED_RATE = 16000


def to_16k(audio: np.ndarray, rate: int) -> np.ndarray:
    if rate == EMBED_RATE:
        return audio.astype(np.float32)
    g = np.gcd(rate, EMBED_RATE)
    return signal.resample_poly(audio, EMBED_RATE // g, rate // g).astype(np.float32)


class SpeakerEncoder:
    """Loaded once per process; ``embed`` is serialised because the model is shared."""

    def __init__(self, device: str = "cpu") -> None:
        from resemblyzer import VoiceEncoder

        self._encoder = VoiceEncoder(device, verbose=False)
        self._lock = threading.Lock()

    def embed(self, audio: np.ndarray, rate: int) -> np.ndarray:
        """A unit-length 256-d embedding of already-trimmed speech."""
        wav = to_16k(audio, rate)
        if len(wav) < EMBED_RATE // 2:  # the encoder needs ~0.5 s at least
            wav = np.pad(wav, (0, EMBED_RATE // 2 - len(wav)))
        with self._lock:
            # rate 0.625: one 1.6 s window per 1.6 s, half the work of the default overlap.
            return self._encoder.embed_utterance(wav, rate=0.625).astype(np.float32)


def leave_one_out(embeddings: Sequence[np.ndarray], weights: Sequence[float]) -> list[float]:
    """Cosine of each embedding against the weighted mean of all the others."""
    if len(embeddings) < 2:
        return [1.0] * len(embeddings)
    stack = np.stack(embeddings)
    w = np.asarray(weights, dtype=np.float64)[:, None]
    total = (stack * w).sum(axis=0)
    scores = []
    for i, emb in enumerate(stack):
        rest = total - emb * w[i]
        scores.append(float(np.dot(emb, rest) / (np.linalg.norm(emb) * np.linalg.norm(rest) + 1e-9)))
    return scores
