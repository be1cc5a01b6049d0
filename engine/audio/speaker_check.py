"""Whether speech is the consenting speaker's, stretch by stretch.

A whole-file embedding averages a second voice away (11 s of the right speaker then 12 s of another
scored 0.91 against the set), so a sample is cut into the encoder's 3.2 s windows and each window is
compared with the consent recording; the lowest decides. A low score on a recording too noisy or
clipped to judge is "can't verify", not "someone else": noise and clipping pull a speaker's score
down as much as another voice does. The threshold is calibrated in bench/speaker_bench.py
(false accepts / rejects in docs/audio-analysis.md).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from engine.audio.speaker import SpeakerEncoder

THRESHOLD = 0.78  # one 3.2 s window against a ~5 s consent recording; see the calibration
# A recording of one window (under 4.8 s of speech) has no second window to confirm a low one: a
# lower bar keeps its false rejects near those of longer files (0.05 % against 6.4 % false accepts
# per window; a clip that short adds little of anyone's voice, and the set check still sees it).
SHORT_THRESHOLD = 0.74


def reference(encoder: SpeakerEncoder, audio: np.ndarray, rate: int) -> np.ndarray:
    """The embedding speech is compared with: the mean of the recording's windows, unit length."""
    mean = np.mean([e for _, e in encoder.embed_windows(audio, rate)], axis=0)
    return (mean / np.linalg.norm(mean)).astype(np.float32)


@dataclass(frozen=True, slots=True)
class SpeakerMatch:
    scores: tuple[tuple[float, float], ...]  # (start s, cosine) per window
    threshold: float

    @property
    def lowest(self) -> float:
        return min(score for _, score in self.scores)

    @property
    def first_other(self) -> float | None:
        """Where (seconds into the speech) another voice starts: the first of two windows in a row
        under the threshold (4.8 s of speech; one low window alone is the encoder's own spread), or
        the only window of a short recording under the short threshold."""
        if len(self.scores) == 1:
            start, score = self.scores[0]
            return start if score < self.threshold - (THRESHOLD - SHORT_THRESHOLD) else None
        low = [score < self.threshold for _, score in self.scores]
        return next((self.scores[i][0] for i in range(len(low) - 1) if low[i] and low[i + 1]), None)

    @property
    def matches(self) -> bool:
        return self.first_other is None


def match(
    encoder: SpeakerEncoder, ref: np.ndarray, audio: np.ndarray, rate: int, threshold: float = THRESHOLD
) -> SpeakerMatch:
    scores = tuple((start, float(e @ ref)) for start, e in encoder.embed_windows(audio, rate))
    return SpeakerMatch(scores, threshold)
