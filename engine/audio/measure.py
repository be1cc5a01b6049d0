"""Measurements of a recording's technical quality, and the good / fair / poor grade built from them.

- SNR: mean power of 20 ms frames inside the VAD's speech spans over the median power of frames
  outside them (the noise floor); with under 0.3 s of pause, the 10th percentile of all frames.
- Clipping: share of samples within 3 % of the recording's own peak. Clean speech has almost none
  there; flat-topped (clipped) waveforms pile up at the peak, even after a lossy codec.
- Bandwidth: highest frequency whose long-term speech spectrum (Hann-windowed 1024-point blocks) is
  within 50 dB of the strongest band below 4 kHz (telephone audio stops near 3.6 kHz; 16 kHz
  recordings near 7–9 kHz).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, dataclass
from functools import cache

import numpy as np

from engine.audio.vad import Segment

# Thresholds of the grade; docs/audio-analysis.md explains them.
SNR_GOOD_DB, SNR_FAIR_DB = 25.0, 15.0
CLIP_FAIR, CLIP_POOR = 0.001, 0.01
BANDWIDTH_GOOD_HZ, BANDWIDTH_FAIR_HZ = 7000.0, 4500.0
_FRAME_S = 0.02
_EPS = 1e-12


@dataclass(frozen=True, slots=True)
class Metrics:
    snr_db: float
    clipping: float  # share of samples, 0..1
    bandwidth_hz: float
    level_dbfs: float  # RMS of the speech spans
    speech_ratio: float  # speech seconds / recording seconds

    def to_dict(self) -> dict[str, float]:
        return {k: round(v, 4) for k, v in asdict(self).items()}


def measure(audio: np.ndarray, rate: int, speech: Sequence[Segment]) -> Metrics:
    mask = speech_mask(len(audio), rate, speech)
    voiced = audio[mask] if mask.any() else audio
    return Metrics(
        snr_db=snr_db(audio, rate, mask),
        clipping=clipping_ratio(audio),
        bandwidth_hz=bandwidth_hz(voiced, rate),
        level_dbfs=float(10 * np.log10(np.mean(voiced**2) + _EPS)),
        speech_ratio=float(mask.mean()) if len(audio) else 0.0,
    )


def grade(metrics: Metrics) -> str:
    if (
        metrics.snr_db < SNR_FAIR_DB
        or metrics.clipping > CLIP_POOR
        or metrics.bandwidth_hz < BANDWIDTH_FAIR_HZ
    ):
        return "poor"
    if (
        metrics.snr_db < SNR_GOOD_DB
        or metrics.clipping > CLIP_FAIR
        or metrics.bandwidth_hz < BANDWIDTH_GOOD_HZ
    ):
        return "fair"
    return "good"


@cache
def _hann(size: int) -> np.ndarray:
    from scipy import signal  # here: importing scipy.signal costs ~0.5 s a process

    return signal.get_window("hann", size).astype(np.float32)


def speech_mask(length: int, rate: int, speech: Sequence[Segment]) -> np.ndarray:
    mask = np.zeros(length, dtype=bool)
    for seg in speech:
        mask[int(seg.start * rate) : int(seg.end * rate)] = True
    return mask


def frame_power_db(audio: np.ndarray, rate: int) -> np.ndarray:
    size = max(1, int(rate * _FRAME_S))
    n = len(audio) // size
    frames = audio[: n * size].reshape(n, size)
    return 10 * np.log10(np.mean(frames**2, axis=1) + _EPS)


def snr_db(audio: np.ndarray, rate: int, mask: np.ndarray) -> float:
    size = max(1, int(rate * _FRAME_S))
    power = frame_power_db(audio, rate)
    if power.size == 0:
        return 0.0
    frame_speech = mask[: len(power) * size].reshape(len(power), size).mean(axis=1) > 0.5
    speech = power[frame_speech] if frame_speech.any() else power
    pauses = power[~frame_speech]
    noise = np.median(pauses) if len(pauses) * _FRAME_S >= 0.3 else np.percentile(power, 10)
    signal_db = 10 * np.log10(np.mean(10 ** (speech / 10)))
    return float(np.clip(signal_db - noise, 0.0, 80.0))


def clipping_ratio(audio: np.ndarray) -> float:
    peak = float(np.max(np.abs(audio))) if audio.size else 0.0
    if peak < 0.25:  # quiet recordings are not clipped by the converter
        return 0.0
    return float(np.mean(np.abs(audio) >= 0.97 * peak))


def bandwidth_hz(audio: np.ndarray, rate: int, max_blocks: int = 256) -> float:
    """Long-term spectrum from at most ``max_blocks`` Hann-windowed 1024-sample blocks spread over the
    speech (~11 s at 24 kHz): the same estimate as Welch's, at a fixed cost however long the upload."""
    size = 1024
    count = len(audio) // size
    if count == 0:
        return 0.0
    picks = np.linspace(0, count - 1, min(count, max_blocks)).astype(int)
    blocks = audio[: count * size].reshape(count, size)[picks] * _hann(size)
    psd = np.mean(np.abs(np.fft.rfft(blocks, axis=1)) ** 2, axis=0)
    freqs = np.fft.rfftfreq(size, 1 / rate)
    db = 10 * np.log10(psd + 1e-20)
    ref = db[(freqs > 100) & (freqs < 4000)].max()
    above = np.nonzero(db > ref - 50)[0]
    return float(freqs[above.max()]) if above.size else 0.0


def waveform(audio: np.ndarray, rate: int, points: int = 256) -> bytes:
    """Loudness over time as bytes 0–255 (peak RMS = 255), one per 100 ms up to ``points``: the bars
    a chat client draws for a voice message."""
    count = int(min(points, max(1, np.ceil(len(audio) / rate * 10))))
    if audio.size == 0:
        return bytes(count)
    parts = np.array_split(np.asarray(audio, dtype=np.float64), count)
    rms = np.array([np.sqrt(np.mean(p * p)) if p.size else 0.0 for p in parts])
    peak = float(rms.max())
    if peak <= _EPS:
        return bytes(count)
    return bytes(np.clip(np.round(rms / peak * 255), 0, 255).astype(np.uint8))
