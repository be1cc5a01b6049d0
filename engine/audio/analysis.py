"""The contract's ``audioAnalysis`` for a set of samples, plus feedback a person can act on.

- ``totalDuration``: seconds of speech after trimming: exactly the sum of the samples' reported
  ``speechDuration``.
- ``audioQuality``: each sample's grade (see ``engine.measure``) weighted by its speech seconds.
- ``speakerConsistency``: mean cosine between the samples' speaker embeddings, every pair; a sample
  whose similarity to all the others together falls under the threshold is named.
- ``languageDetected``: from the transcripts when given, otherwise the declared language
  (``languageSource`` says which).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from engine.audio import language
from engine.audio.ingest import ProcessedSample
from engine.audio.measure import BANDWIDTH_FAIR_HZ, BANDWIDTH_GOOD_HZ, CLIP_FAIR, SNR_FAIR_DB, SNR_GOOD_DB
from engine.audio.speaker import leave_one_out
from engine.audio.tiers import check_tier

MIN_SAMPLE_SPEECH_S = 3.0
DEFAULT_CONSISTENCY_THRESHOLD = 0.75
_SCORE = {"good": 2, "fair": 1, "poor": 0}


@dataclass(slots=True)
class SampleInput:
    name: str
    sample: ProcessedSample
    transcript: str | None = None
    language: str | None = None
    emotion: str | None = None


def feedback(sample: ProcessedSample, similarity: float | None, threshold: float) -> list[dict[str, str]]:
    """What is wrong with one sample, each as ``{code, message}`` a person can act on."""
    m = sample.metrics
    notes = []

    def note(code: str, message: str) -> None:
        notes.append({"code": code, "message": message})

    if sample.speech_duration < MIN_SAMPLE_SPEECH_S:
        note(
            "too_short",
            f"Only {sample.speech_duration:.1f} s of speech; send at least"
            f" {MIN_SAMPLE_SPEECH_S:.0f} s (10–30 s per sample works best).",
        )
    if m.clipping > CLIP_FAIR:
        note(
            "clipped",
            f"The recording is clipped ({m.clipping * 100:.2f} % of samples at the peak):"
            " move back from the microphone or lower the input gain.",
        )
    if m.snr_db < SNR_GOOD_DB:
        level = "high" if m.snr_db < SNR_FAIR_DB else "noticeable"
        note(
            "noisy",
            f"Background noise is {level} (SNR {m.snr_db:.0f} dB): record somewhere quieter,"
            " or turn on removeNoise.",
        )
    if m.bandwidth_hz < BANDWIDTH_GOOD_HZ:
        kind = "like a phone call" if m.bandwidth_hz < BANDWIDTH_FAIR_HZ else "muffled"
        note(
            "narrowband",
            f"The sound stops at {m.bandwidth_hz / 1000:.1f} kHz ({kind}); record directly"
            " with your phone's recorder or a 44.1/48 kHz app rather than through a call.",
        )
    if m.speech_ratio < 0.5:
        note(
            "silent",
            f"Mostly silence: {sample.speech_duration:.1f} s of speech in {sample.duration:.1f} s"
            " (the silence is trimmed).",
        )
    if similarity is not None and similarity < threshold:
        note(
            "different_speaker",
            f"Sounds like a different speaker than the others (similarity"
            f" {similarity:.2f}, below {threshold:.2f}); remove it if it isn't the same person.",
        )
    return notes


def consistency(embeddings: Sequence[np.ndarray]) -> float:
    if len(embeddings) < 2:
        return 1.0
    stack = np.stack(embeddings)
    sims = stack @ stack.T
    pairs = sims[np.triu_indices(len(stack), 1)]
    return float(np.clip(pairs.mean(), 0.0, 1.0))


def overall_quality(samples: Sequence[ProcessedSample]) -> str:
    weights = np.array([max(s.speech_duration, 1e-3) for s in samples])
    score = float(np.average([_SCORE[s.quality] for s in samples], weights=weights))
    return "good" if score >= 1.5 else "fair" if score >= 0.5 else "poor"


def analyze(
    inputs: Sequence[SampleInput],
    declared_language: str = "en",
    voice_type: str | None = None,
    threshold: float = DEFAULT_CONSISTENCY_THRESHOLD,
    left_out: Sequence[dict[str, Any]] = (),
) -> dict[str, Any]:
    """``{"audioAnalysis": {...}, "languageSource": ..., "samples": [...], "leftOut": [...],
    "tierCheck": ...}``. ``left_out``: files judged unusable (``{name, code, message}``), listed
    after the usable samples with ``usable: false``."""
    if not inputs:
        raise ValueError("no samples to analyse")
    samples = [i.sample for i in inputs]
    similarities = leave_one_out([s.embedding for s in samples], [s.speech_duration for s in samples])
    detected = language.detect([i.transcript or "" for i in inputs])
    total = round(sum(round(s.speech_duration, 2) for s in samples), 2)
    quality = overall_quality(samples)
    report: dict[str, Any] = {
        "audioAnalysis": {
            "totalDuration": total,
            "audioQuality": quality,
            "speakerConsistency": round(consistency([s.embedding for s in samples]), 2),
            "languageDetected": detected or declared_language,
        },
        "languageSource": "transcripts" if detected else "declared",
        "samples": [
            {
                "name": item.name,
                "usable": True,
                "format": item.sample.probe.container.split(",")[0],
                "codec": item.sample.probe.codec,
                "duration": round(item.sample.duration, 2),
                "speechDuration": round(item.sample.speech_duration, 2),
                "quality": item.sample.quality,
                "snrDb": round(item.sample.metrics.snr_db, 1),
                "clippingPercent": round(item.sample.metrics.clipping * 100, 3),
                "bandwidthHz": round(item.sample.metrics.bandwidth_hz),
                "speakerSimilarity": round(sim, 2) if len(samples) > 1 else None,
                "language": item.language or language.detect([item.transcript or ""]) or declared_language,
                "emotion": item.emotion or "neutral",
                "feedback": feedback(item.sample, sim if len(samples) > 1 else None, threshold),
            }
            for item, sim in zip(inputs, similarities, strict=True)
        ]
        + [
            {"name": out["name"], "usable": False, "reason": {k: out[k] for k in ("code", "message")}}
            for out in left_out
        ],
        "leftOut": list(left_out),
    }
    if voice_type is not None:
        report["tierCheck"] = check_tier(voice_type, total, quality).to_dict()
    return report
