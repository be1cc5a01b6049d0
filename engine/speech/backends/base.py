"""The protocol every engine implements, and the typed pieces that cross it.

Preparing a voice (the "training") turns cleaned samples into named files that ``storage/`` keeps;
loading them gives a ready voice without recomputing anything. Synthesis is a lazy iterator of
numbered chunks, one per text chunk, so a caller can play the first while the rest is made.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Protocol

import numpy as np

from engine.speech.render import SpeechOptions

ProgressFn = Callable[[str, float], None]  # (current step, percent complete)


class EngineUnavailable(Exception):
    """An engine cannot run on this machine (no weights, no licence, no device): ``message`` says why."""

    code = "engine_unavailable"

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass(frozen=True, slots=True)
class TrainingSample:
    audio: np.ndarray  # cleaned speech, mono float32
    rate: int
    language: str | None = None
    emotion: str | None = None
    transcript: str | None = None


MIN_EMOTION_S = 3.0  # tagged speech needed before an emotion is learnt rather than preset


def by_emotion(clips: Sequence[np.ndarray], samples: Sequence[TrainingSample], rate: int) -> dict:
    """The clips of each emotion (neutral and untagged aside) with enough speech to learn it from,
    in a stable order; every engine learns emotions from the same grouping."""
    groups = {}
    for emotion in sorted({s.emotion for s in samples if s.emotion and s.emotion != "neutral"}):
        tagged = [c for c, s in zip(clips, samples, strict=True) if s.emotion == emotion]
        if sum(len(c) for c in tagged) >= MIN_EMOTION_S * rate:
            groups[emotion] = tagged
    return groups


@dataclass(frozen=True, slots=True)
class AudioChunk:
    index: int  # 0, 1, 2 … in speaking order; a consumer drops repeats by number
    text: str
    audio: np.ndarray  # mono float32
    rate: int

    @property
    def duration(self) -> float:
        return len(self.audio) / self.rate


class PreparedVoice(Protocol):
    languages: tuple[str, ...]


class VoiceBackend(Protocol):
    name: str
    handles_speed: bool  # True: synthesis already honours options.speed (render must not stretch)

    def ready(self) -> None:
        """Load what the engine needs, or raise ``EngineUnavailable``."""

    def prepare(
        self,
        samples: Sequence[TrainingSample],
        voice_type: str,
        progress: ProgressFn,
        languages: Sequence[str] = ("en",),
    ) -> dict[str, bytes]: ...

    def load(self, files: Mapping[str, bytes]) -> PreparedVoice: ...

    def synthesize(
        self, voice: PreparedVoice, text: str, language: str, options: SpeechOptions
    ) -> Iterator[AudioChunk]: ...
