"""The content check accepts the same words in another voice and rejects broken or other speech."""

from __future__ import annotations

import numpy as np
import pytest

from engine.audio.content_check import THRESHOLD, check
from engine.speech.espeak import RATE, espeak
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


@pytest.mark.parametrize("index", range(len(SENTENCES)))
def test_controls(index):
    text = SENTENCES[index]
    base = espeak().synth(text, "en")
    same_words = {
        "another espeak voice": espeak().synth(text, "en", voice_variant="+f3", words_per_minute=140),
        "a male variant, faster": espeak().synth(text, "en", voice_variant="+m5", words_per_minute=190),
        "pitch +5 semitones": adjust(base, RATE, pitch=5),
        "pitch -4 semitones": adjust(base, RATE, pitch=-4),
    }
    broken = {"time-reversed": base[::-1].copy(), "frame-shuffled": _shuffled(base, index)}
    for name, audio in same_words.items():
        assert check(audio, base, RATE).score < THRESHOLD - 0.05, name
    for name, audio in broken.items():
        assert check(audio, base, RATE).score > THRESHOLD + 0.05, name
    # Other words in the same voice share many sounds, so the margin is thinner (0.75–1.0 measured).
    other = espeak().synth(SENTENCES[(index + 1) % len(SENTENCES)], "en")
    assert not check(other, base, RATE).passed
