"""What the cleaning options do to real speech, in numbers (used in docs/benchmarks.md).

    python bench/cleaning_bench.py

removeNoise: 30 s of the test voice with white noise 12 dB below it; SNR before/after (as the
analysis measures it) and how close the result is to the clean speech (signal-to-error, dB, after
the best gain). normalizeVolume: loudness reached from a quiet and a loud input.
"""

from __future__ import annotations

import os

os.environ.setdefault("OMP_NUM_THREADS", "1")

import json
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))


def main() -> None:
    from engine.audio import cleaning
    from engine.audio.measure import snr_db, speech_mask
    from engine.audio.speaker import to_16k
    from engine.audio.vad import SileroVad
    from tests.audio import RATE, joined, snr_mix

    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {sorted(os.sched_getaffinity(0))[0]})
    clean = np.concatenate([np.zeros(RATE, np.float32), joined("allison_en", 30)])
    noisy = snr_mix(clean, 12)
    segments = SileroVad().speech_segments(to_16k(clean, RATE))
    mask = speech_mask(len(clean), RATE, segments)
    noise = cleaning.pauses(noisy, RATE, segments)
    cleaning.reduce_noise(noisy, RATE, noise)  # warm-up
    started = time.perf_counter()
    out = cleaning.reduce_noise(noisy, RATE, noise)
    seconds = time.perf_counter() - started

    def fidelity(x: np.ndarray) -> float:
        gain = np.dot(x, clean) / np.dot(x, x)
        return float(10 * np.log10(np.sum(clean**2) / np.sum((gain * x - clean) ** 2)))

    speech = joined("carlo_it", 10)
    result = {
        "removeNoise": {
            "snr_before_db": round(snr_db(noisy, RATE, mask), 1),
            "snr_after_db": round(snr_db(out, RATE, mask), 1),
            "signal_to_error_before_db": round(fidelity(noisy), 1),
            "signal_to_error_after_db": round(fidelity(out), 1),
            "x_real_time_one_core": round(len(noisy) / RATE / seconds),
        },
        "normalizeVolume_to_-23_LUFS": {
            f"input {cleaning.loudness_lufs(speech * g, RATE):.1f} LUFS": round(
                cleaning.loudness_lufs(cleaning.normalize(speech * g, RATE, -23.0), RATE), 2
            )
            for g in (0.03, 1.0)
        },
    }
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
