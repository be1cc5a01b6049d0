"""The content check accepts the same words in another voice and rejects broken or other speech."""

from __future__ import annotations

import json
import subprocess
import sys

import numpy as np
import pytest

from engine.audio.content_check import THRESHOLD, check
from engine.speech.espeak import RATE
from engine.speech.render import adjust

SENTENCES = [
    "The weather is lovely today, so we will walk to the park.",
    "Please call me back when you have a moment.",
    "The children played football in the garden until dark.",
]


def _shuffled(audio: np.ndarray, seed: int) -> np.ndarray:
    frame = int(0.02 * RATE)
    n = len(audio) // frame
    order = np.random.default_rng(seed).permutation(n)
    return audio[: n * frame].reshape(n, frame)[order].reshape(-1)


def _rendered(tmp_path, asks: list[dict]) -> list[np.ndarray]:
    """espeak-ng renderings from a fresh process: the library's output drifts by a few samples with
    every call a process has made (its state is global), so after the rest of the suite the thin
    margins below would depend on what ran before. The controls were measured from a fresh start."""
    script = (
        "import json, sys, numpy as np\n"
        "from engine.speech.espeak import espeak\n"
        "for n, ask in enumerate(json.loads(sys.argv[1])):\n"
        "    np.save(f'{sys.argv[2]}/{n}.npy', espeak().synth(ask.pop('text'), 'en', **ask))\n"
    )
    subprocess.run([sys.executable, "-c", script, json.dumps(asks), str(tmp_path)], check=True, timeout=120)
    return [np.load(tmp_path / f"{n}.npy") for n in range(len(asks))]


@pytest.mark.parametrize("index", range(len(SENTENCES)))
def test_controls(index, tmp_path):
    text = SENTENCES[index]
    base, female, male, other = _rendered(
        tmp_path,
        [
            {"text": text},
            {"text": text, "voice_variant": "+f3", "words_per_minute": 140},
            {"text": text, "voice_variant": "+m5", "words_per_minute": 190},
            {"text": SENTENCES[(index + 1) % len(SENTENCES)]},
        ],
    )
    same_words = {
        "another espeak voice": female,
        "a male variant, faster": male,
        "pitch +5 semitones": adjust(base, RATE, pitch=5),
        "pitch -4 semitones": adjust(base, RATE, pitch=-4),
    }
    broken = {"time-reversed": base[::-1].copy(), "frame-shuffled": _shuffled(base, index)}
    for name, audio in same_words.items():
        assert check(audio, base, RATE).score < THRESHOLD - 0.05, name
    for name, audio in broken.items():
        assert check(audio, base, RATE).score > THRESHOLD + 0.05, name
    # Other words in the same voice share many sounds, so the margin is thinner (0.75–1.0 measured).
    assert not check(other, base, RATE).passed
