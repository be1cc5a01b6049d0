"""The imperceptible watermark on every generated file: Resemble AI's Perth (implicit PerthNet; its
weights ship in the ``resemble-perth`` wheel, nothing downloads).

Its mark is one unkeyed bit — "marked by a Perth system" — so it proves that audio is synthetic
after a chat app re-encodes it, not which generation it was (``engine.speech.provenance`` keeps the
ids in metadata and the fingerprint in the log). It needs speech: on a tone or silence it finds
nothing. Robustness and cost are measured in ``bench/watermark_bench.py``.
"""

from __future__ import annotations

import contextlib
import io
import threading
import warnings

import numpy as np

from engine.lazy import Lazy
from engine.speech.backends.base import EngineUnavailable

THRESHOLD = 0.5  # PerthNet's decoder gives ~1.0 marked, ~0.0 unmarked; short clips drift towards 0.3
MIN_SECONDS = 1.0  # shorter than this the detector's answer means little


def _inference():
    """Perth runs its network with autograd on: each call kept ~3.7 MiB for good (a worker grew
    7 GB an hour in the soak of ``make load``); without the graph memory stays flat."""
    import torch

    return torch.inference_mode()


class Watermarker:
    """Loaded once per process on first use; calls are serialised (the model is shared)."""

    def __init__(self, device: str = "cpu") -> None:
        self.device = device
        self._model = Lazy(self._load)
        self._lock = threading.Lock()

    def _load(self):
        with warnings.catch_warnings(), contextlib.redirect_stdout(io.StringIO()):
            warnings.simplefilter("ignore")  # pkg_resources deprecation, printed on import
            try:
                import perth
            except ImportError:
                perth = None
            # perth sets the class to None when its own imports fail, without saying why
            cls = getattr(perth, "PerthImplicitWatermarker", None)
            if cls is None:
                raise EngineUnavailable("the watermark needs resemble-perth (pip install resemble-perth)")
            return cls(device=self.device)  # prints "loaded PerthNet …": kept out of our output

    def ready(self) -> None:
        self._model.get()

    def mark(self, audio: np.ndarray, rate: int) -> np.ndarray:
        """``audio`` with the mark, same length and rate, float32."""
        if len(audio) == 0:
            return audio
        model = self._model.get()
        with self._lock, _inference():
            marked = np.asarray(model.apply_watermark(audio, sample_rate=rate), dtype=np.float32)
        # the STFT round trip drops a few samples at the end; keep the length the caller measured
        if len(marked) < len(audio):
            marked = np.concatenate([marked, audio[len(marked) :].astype(np.float32)])
        return np.clip(marked[: len(audio)], -1.0, 1.0)

    def score(self, audio: np.ndarray, rate: int) -> float:
        """The detector's confidence, 0–1 (``THRESHOLD`` decides)."""
        if len(audio) == 0:
            return 0.0
        model = self._model.get()
        with self._lock, _inference():
            return float(np.mean(model.get_watermark(audio, sample_rate=rate, round=False)))

    def detect(self, audio: np.ndarray, rate: int) -> bool | None:
        """True / False, or None when the audio is too short to tell."""
        if len(audio) < MIN_SECONDS * rate:
            return None
        return self.score(audio, rate) >= THRESHOLD
