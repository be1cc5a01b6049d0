"""Cleaning steps for the trainingOptions: enhanceQuality, removeNoise, normalizeVolume, and trimming.

Each works on mono float32 and returns a new array; none of them ever sees an untrusted file.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import cache

import numpy as np

from engine.audio.vad import Segment

HIGHPASS_HZ = 70.0
PEAK_CEILING_DBFS = -1.0


# scipy is imported where used: importing scipy.signal costs ~0.5 s a process, and most commands
# clean nothing.


@cache
def _highpass(rate: int) -> np.ndarray:
    from scipy import signal

    return signal.butter(4, HIGHPASS_HZ, btype="highpass", fs=rate, output="sos")


def enhance(audio: np.ndarray, rate: int) -> np.ndarray:
    """enhanceQuality: rebuild clipped peaks, then remove rumble and DC below 70 Hz."""
    from scipy import signal

    return signal.sosfilt(_highpass(rate), declip(audio)).astype(np.float32)


def declip(audio: np.ndarray, threshold: float = 0.97) -> np.ndarray:
    """Replace flat-topped runs at the peak with a cubic spline through the good samples around them."""
    peak = float(np.max(np.abs(audio))) if audio.size else 0.0
    if peak < 0.25:
        return audio
    clipped = np.abs(audio) >= threshold * peak
    if clipped.mean() < 1e-4:
        return audio
    good = np.nonzero(~clipped)[0]
    if good.size < 4:
        return audio
    from scipy import interpolate

    spline = interpolate.CubicSpline(good, audio[good])
    out = audio.copy()
    bad = np.nonzero(clipped)[0]
    out[bad] = spline(bad)
    # The rebuilt peaks rise above the old ceiling; scale back under full scale.
    top = float(np.max(np.abs(out)))
    return (out / top * peak if top > peak else out).astype(np.float32)


def pauses(audio: np.ndarray, rate: int, speech: Sequence[Segment]) -> np.ndarray:
    """The audio outside the speech spans: the noise profile for ``reduce_noise``."""
    from engine.audio.measure import speech_mask

    return audio[~speech_mask(len(audio), rate, speech)]


def reduce_noise(audio: np.ndarray, rate: int, noise: np.ndarray) -> np.ndarray:
    """removeNoise: spectral gating (noisereduce), profiled on ``noise`` when there is enough of it
    (``audio`` may already be trimmed: the profile comes from the pauses cut out of it)."""
    import noisereduce

    # Measured on 30 s of speech with noise 12 dB down (docs/benchmarks-history.md): not smoothing the mask
    # across frequency keeps the harmonics (error vs the clean signal 19 dB instead of 8 dB), and a
    # 50 % hop (Hann is still overlap-add exact) halves the FFT work at the same SNR gain. One chunk
    # up to ~80 s: the default 600k-sample chunks redo their padding.
    common = {
        "sr": rate,
        "prop_decrease": 0.9,
        "n_jobs": 1,
        "chunk_size": 2_000_000,
        "freq_mask_smooth_hz": None,
        "n_fft": 1024,
        "hop_length": 512,
    }
    if len(noise) >= rate // 2:
        out = noisereduce.reduce_noise(y=audio, y_noise=noise, stationary=True, **common)
    else:
        out = noisereduce.reduce_noise(y=audio, stationary=False, **common)
    return np.asarray(out, dtype=np.float32)


def loudness_lufs(audio: np.ndarray, rate: int) -> float:
    """Integrated loudness (ITU-R BS.1770-4); -inf for silence."""
    import pyloudnorm

    if len(audio) < int(0.4 * rate) + 1:  # shorter than one gating block: pad with silence
        audio = np.pad(audio, (0, int(0.4 * rate) + 1 - len(audio)))
    return float(pyloudnorm.Meter(rate).integrated_loudness(audio.astype(np.float64)))


def normalize(audio: np.ndarray, rate: int, target_lufs: float) -> np.ndarray:
    """normalizeVolume: gain to ``target_lufs`` (EBU R128), never letting the peak pass -1 dBFS."""
    loudness = loudness_lufs(audio, rate)
    if not np.isfinite(loudness):
        return audio
    gain_db = target_lufs - loudness
    peak = float(np.max(np.abs(audio)))
    if peak > 0:
        gain_db = min(gain_db, PEAK_CEILING_DBFS - 20 * np.log10(peak))
    return (audio * 10 ** (gain_db / 20)).astype(np.float32)


def trim(
    audio: np.ndarray, rate: int, speech: Sequence[Segment], pad_s: float = 0.1, max_pause_s: float = 0.4
) -> np.ndarray:
    """Keep the speech spans (with a little padding); shorten long pauses to ``max_pause_s``."""
    if not speech:
        return audio[:0]
    pieces = []
    previous_end = None
    for seg in speech:
        start = max(0, int((seg.start - pad_s) * rate))
        end = min(len(audio), int((seg.end + pad_s) * rate))
        if previous_end is not None and start < previous_end:
            start = previous_end
        if previous_end is not None and start - previous_end > max_pause_s * rate:
            keep = int(max_pause_s * rate) // 2
            pieces.append(audio[previous_end : previous_end + keep])
            pieces.append(audio[start - keep : start])
        elif previous_end is not None:
            pieces.append(audio[previous_end:start])
        pieces.append(audio[start:end])
        previous_end = end
    return np.concatenate(pieces).astype(np.float32)
