"""Speaker embeddings (resemblyzer's GE2E encoder, weights shipped in its wheel) and set consistency."""

from __future__ import annotations

import threading
from collections.abc import Sequence

import numpy as np

from engine.lazy import Lazy

EMBED_RATE = 16000
PARTIAL_FRAMES = 160  # 1.6 s of 10 ms mel frames, resemblyzer's partial utterance
MAX_PARTIALS = 12  # ~19 s of speech is plenty for one embedding; beyond it costs time, not accuracy
WINDOW_S, WINDOW_HOP_S = 3.2, 1.6  # per-stretch speaker checks: three partials a window


def resample(audio: np.ndarray, rate: int, to_rate: int) -> np.ndarray:
    """Polyphase resampling (exact ratio), float32 out."""
    if rate == to_rate:
        return audio.astype(np.float32)
    g = np.gcd(rate, to_rate)
    from scipy import signal  # here: importing scipy.signal costs ~0.5 s a process

    return signal.resample_poly(audio, to_rate // g, rate // g).astype(np.float32)


def to_16k(audio: np.ndarray, rate: int) -> np.ndarray:
    return resample(audio, rate, EMBED_RATE)


class SpeakerEncoder:
    """Loaded once per process, on first use (a command that embeds nothing never pays for torch);
    ``embed`` is serialised because the model is shared."""

    def __init__(self, device: str = "cpu") -> None:
        self.device = device
        self._model = Lazy(self._load)
        self._lock = threading.Lock()

    def _load(self):
        from resemblyzer import VoiceEncoder

        return VoiceEncoder(self.device, verbose=False)

    @property
    def _encoder(self):
        return self._model.get()

    @property
    def _torch(self):
        import torch

        return torch

    def _mel(self, audio: np.ndarray, rate: int) -> np.ndarray:
        """Resemblyzer's mel frames (10 ms), padded to one partial at least."""
        from resemblyzer.audio import wav_to_mel_spectrogram

        mel = wav_to_mel_spectrogram(to_16k(audio, rate))
        if len(mel) < PARTIAL_FRAMES:
            mel = np.pad(mel, ((0, PARTIAL_FRAMES - len(mel)), (0, 0)))
        return mel

    def _partials(self, mel: np.ndarray, starts: Sequence[int]) -> np.ndarray:
        """The encoder's embedding of each 1.6 s partial starting at ``starts`` (frames), one pass."""
        batch = np.stack([mel[s : s + PARTIAL_FRAMES] for s in starts]).astype(np.float32)
        encoder = self._encoder
        with self._lock, self._torch.inference_mode():
            return encoder(self._torch.from_numpy(batch).to(self.device)).cpu().numpy()

    def embed(self, audio: np.ndarray, rate: int) -> np.ndarray:
        """A unit-length 256-d embedding of already-trimmed speech.

        Like resemblyzer's ``embed_utterance`` (mean of 1.6 s partial embeddings), but the partials
        do not overlap and at most ``MAX_PARTIALS`` of them, spread evenly, are used.
        """
        mel = self._mel(audio, rate)
        count = min(MAX_PARTIALS, len(mel) // PARTIAL_FRAMES)
        mean = self._partials(mel, np.linspace(0, len(mel) - PARTIAL_FRAMES, count).astype(int)).mean(axis=0)
        return (mean / np.linalg.norm(mean)).astype(np.float32)

    def embed_windows(
        self, audio: np.ndarray, rate: int, window_s: float = WINDOW_S, hop_s: float = WINDOW_HOP_S
    ) -> list[tuple[float, np.ndarray]]:
        """(start in seconds, unit embedding) for each ``window_s`` stretch of ``audio``, every
        ``hop_s``: who speaks where, so a second voice inside one file shows. One forward pass:
        1.6 s partials every 0.8 s, each window the mean of the partials inside it. Audio shorter
        than a window is one window."""
        mel = self._mel(audio, rate)
        step = PARTIAL_FRAMES // 2
        starts = list(range(0, len(mel) - PARTIAL_FRAMES + 1, step))
        partials = self._partials(mel, starts)
        per_window = max(1, round((window_s * 100 - PARTIAL_FRAMES) / step) + 1)
        per_hop = max(1, round(hop_s * 100 / step))
        out = []
        for first in range(0, max(1, len(starts) - per_window + 1), per_hop):
            mean = partials[first : first + per_window].mean(axis=0)
            out.append((starts[first] / 100, (mean / np.linalg.norm(mean)).astype(np.float32)))
        return out

    def embed_utterance(self, audio: np.ndarray, rate: int) -> np.ndarray:
        """Resemblyzer's documented way (``preprocess_wav``: level normalised, long silences cut;
        then ``embed_utterance``: overlapping partials over the whole clip). Slower than ``embed``;
        what benchmarks and the demo report as speaker similarity."""
        from resemblyzer import preprocess_wav

        wav = preprocess_wav(to_16k(audio, rate))
        encoder = self._encoder
        with self._lock, self._torch.inference_mode():
            return encoder.embed_utterance(wav).astype(np.float32)


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
