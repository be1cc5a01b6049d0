"""One upload in, one cleaned sample out: decode (hardened), reject what can't be used, measure, clean.

Nothing here touches storage; a caller stores the result only when this returns without an error.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from engine.audio import cleaning
from engine.audio.decode import Limits, Probe, decode_bytes, decode_file
from engine.audio.measure import Metrics, grade, measure
from engine.audio.speaker import SpeakerEncoder, to_16k
from engine.audio.vad import SileroVad
from engine.errors import NoSpeechError, SilentAudioError, TooShortError

WORK_RATE = 24000  # rate of cleaned samples kept for training
SILENCE_DBFS = -60.0
NO_SPEECH_S = 0.3
MIN_SPEECH_S = 1.0
# Music and tones can brush the VAD threshold; real speech sits far above it.
MIN_CONFIDENCE = 0.85


@dataclass(frozen=True, slots=True)
class CleaningOptions:
    """The contract's trainingOptions that shape each sample."""

    enhance_quality: bool = True
    remove_noise: bool = False
    normalize_volume: bool = True
    loudness_target_lufs: float = -23.0


@dataclass(slots=True)
class ProcessedSample:
    audio: np.ndarray  # cleaned speech, mono float32 at WORK_RATE
    rate: int
    duration: float  # seconds in the upload
    metrics: Metrics  # measured on the upload as sent, before cleaning
    quality: str
    probe: Probe
    content_hash: str
    embedding: np.ndarray

    @property
    def speech_duration(self) -> float:
        return len(self.audio) / self.rate


class Ingestor:
    """Holds the models the pipeline needs (VAD, speaker encoder), loaded once."""

    def __init__(self, limits: Limits, vad: SileroVad | None = None, encoder: SpeakerEncoder | None = None):
        self.limits = limits
        self.vad = vad or SileroVad()
        self.encoder = encoder or SpeakerEncoder()

    def from_bytes(self, data: bytes, options: CleaningOptions) -> ProcessedSample:
        decoded = decode_bytes(data, WORK_RATE, self.limits)
        return self._process(decoded.samples, decoded.probe, hashlib.sha256(data).hexdigest(), options)

    def from_file(self, path: Path, options: CleaningOptions) -> ProcessedSample:
        decoded = decode_file(path, WORK_RATE, self.limits)
        with path.open("rb") as handle:  # streamed: never the whole file in memory at once
            digest = hashlib.file_digest(handle, "sha256").hexdigest()
        return self._process(decoded.samples, decoded.probe, digest, options)

    def _process(
        self, raw: np.ndarray, probe: Probe, digest: str, options: CleaningOptions
    ) -> ProcessedSample:
        rate = WORK_RATE
        peak = float(np.max(np.abs(raw)))
        if peak <= 10 ** (SILENCE_DBFS / 20):
            raise SilentAudioError("The recording is silent. Check that the right microphone is selected.")
        speech = self.vad.speech_segments(to_16k(raw, rate))
        spoken = sum(seg.duration for seg in speech if seg.confidence >= MIN_CONFIDENCE)
        if spoken < NO_SPEECH_S:
            raise NoSpeechError(
                "We couldn't hear anyone speaking: it sounds like silence, noise or music."
                " Please send a recording of your own voice."
            )
        if spoken < MIN_SPEECH_S:
            raise TooShortError(
                f"Only {spoken:.1f} s of speech was heard, too little to use. Please send at least"
                f" {MIN_SPEECH_S:g} s of speech (10–30 s per recording works best).",
                speech_s=round(spoken, 1),
                min_s=MIN_SPEECH_S,
            )
        metrics = measure(raw, rate, speech)
        audio = raw
        if options.enhance_quality:
            audio = cleaning.enhance(audio, rate)
        noise = cleaning.pauses(audio, rate, speech) if options.remove_noise else None
        audio = cleaning.trim(audio, rate, speech)
        if noise is not None:  # after trimming: less to process, the profile is already taken
            audio = cleaning.reduce_noise(audio, rate, noise)
        if options.normalize_volume:
            audio = cleaning.normalize(audio, rate, options.loudness_target_lufs)
        return ProcessedSample(
            audio=audio,
            rate=rate,
            duration=len(raw) / rate,
            metrics=metrics,
            quality=grade(metrics),
            probe=probe,
            content_hash=digest,
            embedding=self.encoder.embed(audio, rate),
        )
