"""Each trainingOption does what it says, measured on real speech."""

from __future__ import annotations

import numpy as np
from scipy import signal

from engine.audio import cleaning
from engine.audio.measure import clipping_ratio, snr_db, speech_mask
from engine.audio.speaker import to_16k
from tests.audio import RATE, joined, snr_mix


def test_normalize_volume_reaches_the_target_loudness():
    speech = joined("allison_en", 6)
    for gain in (0.05, 1.0):
        out = cleaning.normalize(speech * gain, RATE, -23.0)
        assert abs(cleaning.loudness_lufs(out, RATE) - (-23.0)) < 0.5
        assert np.max(np.abs(out)) <= 10 ** (-1 / 20) + 1e-6


def test_normalize_never_pushes_the_peak_over_the_ceiling():
    speech = joined("allison_en", 6)
    out = cleaning.normalize(speech, RATE, -10.0)  # louder than the peak allows
    assert np.max(np.abs(out)) <= 10 ** (-1 / 20) + 1e-6


def test_remove_noise_raises_the_snr(vad):
    speech = np.concatenate([np.zeros(RATE, np.float32), joined("carlo_it", 6)])
    noisy = snr_mix(speech, 12)
    segments = vad.speech_segments(to_16k(speech, RATE))
    mask = speech_mask(len(noisy), RATE, segments)
    before = snr_db(noisy, RATE, mask)
    after = snr_db(cleaning.reduce_noise(noisy, RATE, cleaning.pauses(noisy, RATE, segments)), RATE, mask)
    assert after > before + 8


def test_enhance_removes_rumble_below_70_hz():
    speech = joined("allison_en", 4)
    hum = 0.2 * np.sin(2 * np.pi * 30 * np.arange(len(speech)) / RATE).astype(np.float32)

    def band(x):
        f, p = signal.welch(x, RATE, nperseg=8192)
        return p[(f > 25) & (f < 35)].sum()

    assert band(cleaning.enhance(speech + hum, RATE)) < band(speech + hum) / 100


def test_enhance_rebuilds_clipped_peaks():
    speech = joined("allison_en", 4)
    speech = 0.9 * speech / np.max(np.abs(speech))
    clipped = np.clip(speech * 3, -0.9, 0.9).astype(np.float32)  # flat tops at 0.9
    repaired = cleaning.declip(clipped)
    assert clipping_ratio(clipped) > 0.01
    assert clipping_ratio(repaired) < clipping_ratio(clipped) / 5
    # Closer to the true (unclipped) waveform, up to a gain.
    truth = speech * 3

    def err(x):
        g = np.dot(x, truth) / np.dot(x, x)
        return np.mean((g * x - truth) ** 2)

    assert err(repaired) < err(clipped)


def test_trim_drops_silence_and_shortens_long_pauses(vad):
    speech = joined("allison_en", 3)
    silence = np.zeros(RATE * 2, np.float32)
    audio = np.concatenate([silence, speech, silence, speech, silence])
    segments = vad.speech_segments(to_16k(audio, RATE))
    out = cleaning.trim(audio, RATE, segments)
    assert 2 * len(speech) / RATE - 1.0 < len(out) / RATE < 2 * len(speech) / RATE + 0.8
