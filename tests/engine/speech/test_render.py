"""Speech options: validated, and measurable in the rendered file (duration, F0, codec, rate)."""

from __future__ import annotations

import re

import numpy as np
import pytest

from engine.audio.decode import Limits, decode_bytes
from engine.errors import InvalidRequestError
from engine.speech.espeak import RATE, espeak
from engine.speech.render import FORMATS, SAMPLE_RATES, SpeechOptions, adjust, render


@pytest.fixture(scope="module")
def sentence() -> np.ndarray:
    return espeak().synth("The quick brown fox jumps over the lazy dog near the river bank.", "en")


def median_f0(audio: np.ndarray, rate: int) -> float:
    import pyworld

    x = audio.astype(np.float64)
    f0, t = pyworld.dio(x, rate, f0_floor=40.0, f0_ceil=800.0, frame_period=10)
    f0 = pyworld.stonemask(x, f0, t, rate)
    voiced = f0[f0 > 0]
    return float(np.median(voiced))


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("rate", SAMPLE_RATES)
def test_file_codec_and_rate_match_the_request(sentence, fmt, rate):
    data = render(sentence, RATE, SpeechOptions(output_format=fmt, sample_rate=rate))
    probe = decode_bytes(data, 16000, Limits()).probe
    expected = {
        "mp3": "mp3",
        "wav": "pcm_s16le",
        "flac": "flac",
        "ogg": "opus" if rate == 48000 else "vorbis",
    }
    assert probe.codec == expected[fmt]
    assert probe.source_rate == rate


@pytest.mark.parametrize("speed", [0.5, 0.8, 1.5, 2.0])
def test_speed_changes_duration(sentence, speed):
    out = adjust(sentence, RATE, speed=speed)
    assert len(out) / len(sentence) == pytest.approx(1 / speed, rel=0.05)


@pytest.mark.parametrize("semitones", [-12, -5, 4, 12])
def test_pitch_changes_f0(sentence, semitones):
    out = adjust(sentence, RATE, pitch=semitones)
    ratio = median_f0(out, RATE) / median_f0(sentence, RATE)
    assert ratio == pytest.approx(2 ** (semitones / 12), rel=0.06)
    assert len(out) == pytest.approx(len(sentence), rel=0.02)  # duration kept


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("speed", 0.4, "speed must be from 0.5 to 2.0"),
        ("speed", 2.5, "speed must be from 0.5 to 2.0"),
        ("pitch", 13, "pitch must be from -12 to +12"),
        ("emotion", "bored", "emotion must be one of"),
        ("output_format", "aac", "outputFormat must be one of"),
        ("sample_rate", 16000, "sampleRate must be one of"),
    ],
)
def test_out_of_range_options_are_explained(field, value, message):
    with pytest.raises(InvalidRequestError, match=re.escape(message)):
        SpeechOptions(**{field: value})


def test_every_language_has_a_base_voice():
    texts = {
        "en": "Hello.",
        "es": "Hola.",
        "fr": "Bonjour.",
        "de": "Hallo.",
        "it": "Ciao.",
        "pt": "Olá.",
        "ja": "こんにちは。",
        "ko": "안녕하세요.",
        "zh": "你好。",
    }
    for language, text in texts.items():
        audio = espeak().synth(text, language)
        assert 0.2 < len(audio) / RATE < 5 and np.max(np.abs(audio)) > 0.1, language
