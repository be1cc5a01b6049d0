"""The embedded engine's contract: prepare once, reload without recomputing, stream lazily."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest

from engine.speech.backends import embedded, world
from engine.speech.backends.base import TrainingSample
from engine.speech.backends.embedded import EmbeddedBackend
from engine.speech.espeak import RATE as BASE_RATE
from engine.speech.espeak import espeak
from engine.speech.render import SpeechOptions
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
    assert {"target.npz", "source-en.npz", "align-en.npy", "voice.json"} <= set(files)
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


def test_voice_keeps_its_alignment_and_older_voices_still_load(prepared):
    backend, files, _ = prepared
    voice = backend.load(files)
    assert voice.alignments["en"].shape == (world.MATCH_DIMS + 1, world.MATCH_DIMS)
    older = backend.load({k: v for k, v in files.items() if not k.startswith("align-")})
    assert older.alignments == {}
    chunks = list(backend.synthesize(older, "Still speaking.", "en", SpeechOptions()))
    assert chunks and np.max(np.abs(chunks[0].audio)) > 0.01


def test_alignment_undoes_a_linear_difference_between_voices(monkeypatch):
    """Frames of one 'voice' and the same frames moved by a linear map (another voice saying other
    things in the same space): after ``align`` most frames find their own original as nearest (the
    whole map; the engine moves base frames only part of the way, ALIGN_SHARE)."""
    monkeypatch.setattr(world, "ALIGN_SHARE", 1.0)
    rng = np.random.default_rng(0)
    centres = rng.normal(size=(12, world.DIMS)) * 2.0  # vowel-like clusters
    frames = centres[rng.integers(0, 12, 1500)] + rng.normal(scale=0.3, size=(1500, world.DIMS))
    mix = np.eye(world.DIMS)
    mix[: world.MATCH_DIMS, : world.MATCH_DIMS] += rng.normal(scale=0.25, size=(world.MATCH_DIMS,) * 2)
    moved = frames @ mix.T + 1.5

    def profile(pool):
        return world.Profile(0.0, 1.0, pool.mean(0), pool.std(0), pool.astype(np.float32), np.zeros(5))

    target, source = profile(frames), profile(moved)
    query = world._normalised(source.pool, source)
    pool = world._normalised(target.pool, target)

    def hits(q):  # frames whose nearest speaker frame lies in their own cluster
        nearest = world._distances(q, pool).argmin(axis=1)
        return float(np.mean(np.linalg.norm(frames[nearest] - frames, axis=1) < 2.0))

    before = hits(query)
    after = hits(world._moved(query, world.align(source, target)))
    assert after > 0.9 and after > before + 0.2, (before, after)


def test_pace_follows_how_fast_the_person_speaks():
    text = "My brother bought a new bicycle last week. We should finish the report before Friday."

    def person(wpm: int) -> world.Profile:  # someone else's voice, speaking at a known pace
        audio = espeak().synth(text, "en", voice_variant="+f2", words_per_minute=wpm)
        return world.Profile.from_audio([audio], BASE_RATE, aperiodicity=False)

    normal, slow = person(160), person(110)
    assert 0.55 < slow.syllable_rate / normal.syllable_rate < 0.85, (slow.syllable_rate, normal.syllable_rate)
    base = world.Profile.from_audio(
        [espeak().synth(embedded.REFERENCE["en"], "en", words_per_minute=embedded.WORDS_PER_MINUTE)],
        BASE_RATE,
        aperiodicity=False,
    )
    low, high = embedded.PACE_LIMITS
    assert low <= embedded._pace(slow, base) < embedded._pace(normal, base) <= high
    unmeasured = replace(normal, syllable_rate=0.0)  # a profile saved before the pace was measured
    assert embedded._pace(unmeasured, base) == embedded.WORDS_PER_MINUTE
    assert world.Profile.from_bytes(normal.to_bytes()).syllable_rate == pytest.approx(normal.syllable_rate)


def test_a_slower_speaker_is_rendered_slower(prepared):
    backend, files, _ = prepared
    voice = backend.load(files)
    text = "This sentence is long enough to hear the pace of the voice."

    def seconds() -> float:
        return sum(c.duration for c in backend.synthesize(voice, text, "en", SpeechOptions()))

    usual = seconds()
    voice.target = replace(voice.target, syllable_rate=voice.target.syllable_rate * 0.7)
    assert seconds() > usual * 1.2


def test_variants_are_tried_in_the_speakers_register():
    def speaker(hz: float) -> world.Profile:
        return world.Profile(float(np.log(hz)), 0.2, np.zeros(4), np.ones(4), np.zeros((1, 4)), np.zeros(5))

    low, high = embedded._register(speaker(110.0)), embedded._register(speaker(220.0))
    assert low[0] == high[0] == ""  # espeak's default voice is always a candidate
    assert low[1:] and all(v.startswith("+m") for v in low[1:])
    assert high[1:] and all(v.startswith("+f") for v in high[1:])


def test_spread_of_chosen_envelopes_is_restored():
    rng = np.random.default_rng(1)
    pool = rng.normal(size=(500, world.DIMS)).astype(np.float32) * 2.0
    target = world.Profile(0.0, 1.0, pool.mean(0), pool.std(0), pool, np.zeros(5))
    flat = rng.normal(size=(200, world.DIMS))  # what averaging neighbours leaves: half the spread
    restored = world._restore_spread(flat, target)
    assert np.allclose(restored[:, 1:].std(axis=0), target.env_std[1:], rtol=0.01)
    assert np.allclose(restored[:, 0], flat[:, 0])  # the level is left as chosen
    assert np.allclose(restored.mean(axis=0), flat.mean(axis=0))


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
    from engine.speech.render import adjust

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
