"""A speaker-independent check that a rendering still says what the base rendering said.

No recogniser works here offline, so the check compares the candidate with the base espeak-ng
rendering of the same text (intelligible by construction). Features: the first 6 MFCCs (c1–c6,
the broad spectral shape that carries vowels and consonant classes, not the harmonics that carry
pitch), each normalised per utterance, which removes most of a speaker's fixed timbre; alignment:
DTW. The score is the DTW cost against the base divided by the mean cost of frame-shuffled copies
of the candidate (same frames, same voice, no order). Speech that keeps the base's sequence of
sounds scores well under 1; reversed, shuffled or other text near 1. 13 MFCCs with deltas
separated the controls worse (docs/benchmarks-history.md).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from engine.audio.speaker import to_16k

THRESHOLD = 0.70  # controls: same text in other voices ≤ 0.60, reversed/shuffled/other text ≥ 0.79
_SHUFFLES = 4


def features(audio: np.ndarray, rate: int) -> np.ndarray:
    import librosa

    wav = to_16k(audio, rate)
    feats = librosa.feature.mfcc(y=wav, sr=16000, n_mfcc=7, n_fft=512, hop_length=160, n_mels=40)[1:]
    energy = librosa.feature.rms(y=wav, frame_length=512, hop_length=160)[0]
    feats = feats[:, energy > 0.1 * energy.max()]  # speech frames only: pauses carry no content
    return (feats - feats.mean(axis=1, keepdims=True)) / (feats.std(axis=1, keepdims=True) + 1e-6)


def _cost(a: np.ndarray, b: np.ndarray) -> float:
    import librosa

    acc, path = librosa.sequence.dtw(X=a, Y=b, metric="euclidean", subseq=False)
    return float(acc[-1, -1] / len(path))


@dataclass(frozen=True, slots=True)
class ContentScore:
    score: float  # < THRESHOLD: same content

    @property
    def passed(self) -> bool:
        return self.score < THRESHOLD


def check(candidate: np.ndarray, base: np.ndarray, rate: int, seed: int = 0) -> ContentScore:
    cand, ref = features(candidate, rate), features(base, rate)
    rng = np.random.default_rng(seed)
    shuffled = np.mean([_cost(cand[:, rng.permutation(cand.shape[1])], ref) for _ in range(_SHUFFLES)])
    return ContentScore(_cost(cand, ref) / shuffled)
