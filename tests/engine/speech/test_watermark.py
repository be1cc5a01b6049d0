"""The imperceptible watermark: found on marked speech after a lossy re-encoding, never on real
speech, and the marked audio keeps its length (figures for every treatment: bench/watermark_bench.py)."""

from __future__ import annotations

import numpy as np
import pytest

from engine.audio.speaker import SpeakerEncoder
from engine.speech.watermark import THRESHOLD, Watermarker
from tests.audio import RATE, encode, joined, load


@pytest.fixture(scope="module")
def marker() -> Watermarker:
    return Watermarker()


def test_marked_speech_is_found_after_opus_32k_and_real_speech_is_not(marker, tmp_path):
    speech = joined("allison_en", 8)
    marked = marker.mark(speech, RATE)
    assert marked.shape == speech.shape and marked.dtype == np.float32
    assert not np.array_equal(marked, speech)
    # the voice is the same voice: the speaker encoder hardly tells the two apart
    encoder = SpeakerEncoder()
    assert float(encoder.embed_utterance(marked, RATE) @ encoder.embed_utterance(speech, RATE)) > 0.98
    assert marker.detect(marked, RATE) is True
    voice_note = load(encode(marked, tmp_path / "note.ogg", "-c:a", "libopus", "-b:a", "32k"))
    assert marker.score(voice_note, RATE) >= THRESHOLD
    assert marker.detect(speech, RATE) is False
    assert marker.detect(joined("carlo_it", 8), RATE) is False


def test_too_little_audio_is_not_judged(marker):
    assert marker.detect(joined("allison_en", 1)[: RATE // 2], RATE) is None
    assert marker.mark(np.zeros(0, np.float32), RATE).size == 0
