"""The embedded engine's contract: prepare once, reload without recomputing, stream lazily."""

from __future__ import annotations

import numpy as np
import pytest

from engine.backends import embedded, world
from engine.backends.base import TrainingSample
from engine.backends.embedded import EmbeddedBackend
from engine.render import SpeechOptions
from tests.audio import RATE, joined


@pytest.fixture(scope="module")
def prepared(encoder):
    backend = EmbeddedBackend(encoder)
    samples = [TrainingSample(joined("allison_en", 6, start=i * 3), RATE, "en") for i in range(3)]
    steps: list[tuple[str, float]] = []
    files = backend.prepare(samples, "instant", lambda s, p: steps.append((s, p)), languages=["en"])
    return backend, files, steps


def test_prepare_reports_progress_and_returns_files(prepared):
    _, files, steps = prepared
    assert {"target.npz", "source-en.npz", "voice.json"} <= set(files)
    percents = [p for _, p in steps]
    assert percents == sorted(percents) and percents[-1] == 100.0


def test_reload_does_not_recompute_and_streams_lazily(prepared, monkeypatch):
    backend, files, _ = prepared

    def no_analysis(*args, **kwargs):
        raise AssertionError("a loaded voice must not be analysed again")

    monkeypatch.setattr(world.Profile, "from_audio", no_analysis)
    voice = backend.load(files)
    calls = []
    real_convert = embedded.convert
    monkeypatch.setattr(embedded, "convert", lambda *a, **k: calls.append(1) or real_convert(*a, **k))
    stream = backend.synthesize(
        voice, "First sentence here. Second one follows. And a third.", "en", SpeechOptions()
    )
    first = next(stream)
    assert first.index == 0 and first.text == "First sentence here." and len(calls) == 1
    rest = list(stream)
    assert [c.index for c in rest] == [1, 2] and len(calls) == 3
    assert all(
        c.rate == 22050 and c.duration > 0.3 and np.max(np.abs(c.audio)) > 0.01 for c in [first, *rest]
    )


@pytest.mark.parametrize("language", ["es", "fr", "de", "it", "pt", "ja", "ko", "zh"])
def test_an_english_voice_speaks_every_language(prepared, language):
    backend, files, _ = prepared
    voice = backend.load(files)
    text = embedded.REFERENCE[language]
    chunks = list(backend.synthesize(voice, text, language, SpeechOptions()))
    assert chunks and sum(c.duration for c in chunks) > 1.0


def test_emotion_changes_prosody(prepared):
    backend, files, _ = prepared
    voice = backend.load(files)
    sentence = "I can't believe we finally made it to the top of the mountain."

    def f0_stats(emotion: str) -> tuple[float, float, float]:
        audio = np.concatenate(
            [c.audio for c in backend.synthesize(voice, sentence, "en", SpeechOptions(emotion=emotion))]
        )
        f0, _, _ = world.analyse(audio, 22050)
        voiced = np.log(f0[f0 > 0])
        return float(np.exp(voiced.mean())), float(voiced.std()), len(audio) / 22050

    neutral, happy, sad = f0_stats("neutral"), f0_stats("happy"), f0_stats("sad")
    assert happy[0] > neutral[0] * 1.05 and sad[0] < neutral[0] / 1.05  # pitch level
    assert happy[1] > sad[1]  # pitch range
    assert sad[2] > happy[2]  # rate: sad is slower


def test_emotion_tagged_samples_set_that_emotions_pitch(encoder):
    """Samples tagged "happy" (here: the same speaker 5 semitones up) teach the voice its happy
    pitch, which replaces the preset +2 semitones."""
    from engine.render import adjust

    neutral = [TrainingSample(joined("allison_en", 6, start=i * 3), RATE, "en") for i in range(3)]
    happy = [
        TrainingSample(adjust(joined("allison_en", 6, start=9 + i * 3), RATE, pitch=5), RATE, "en", "happy")
        for i in range(2)
    ]
    backend = EmbeddedBackend(encoder)
    files = backend.prepare(neutral + happy, "instant", lambda s, p: None, languages=["en"])
    assert "emotion-happy.npz" in files
    voice = backend.load(files)
    sentence = "We are going to the seaside tomorrow morning."

    def median_f0(emotion: str) -> float:
        audio = np.concatenate(
            [c.audio for c in backend.synthesize(voice, sentence, "en", SpeechOptions(emotion=emotion))]
        )
        f0, _, _ = world.analyse(audio, 22050)
        return float(np.median(f0[f0 > 0]))

    ratio = median_f0("happy") / median_f0("neutral")
    assert ratio == pytest.approx(2 ** (5 / 12), rel=0.08)  # learnt, not the preset 2 ** (2 / 12)
