"""The imperceptible watermark: found on marked speech after a lossy re-encoding, never on real
speech, and the marked audio keeps its length (figures for every treatment: bench/watermark_bench.py)."""

from __future__ import annotations

from pathlib import Path

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


def _rss_mib() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def test_marking_and_scoring_keep_nothing_from_call_to_call(marker):
    """The soak of ``make load`` found each mark kept ~3.7 MiB (Perth ran with autograd on): 60
    marks and scores grew a process by 400 MiB. Now memory is flat past a warm-up."""
    clips = [joined("allison_en", seconds, n) for n, seconds in enumerate((1.5, 2.5, 3.0))]
    for clip in clips:  # the warm-up: the network's buffers for each length
        marker.score(marker.mark(clip, RATE), RATE)
    before = _rss_mib()
    for n in range(30):
        marker.score(marker.mark(clips[n % 3], RATE), RATE)
    assert _rss_mib() - before < 60, _rss_mib() - before
