"""audioAnalysis on real speech: quality grades, speaker consistency, language, tiers, feedback."""

from __future__ import annotations

import numpy as np
import pytest
from scipy import signal

from engine.audio.analysis import SampleInput, analyze
from engine.audio.ingest import CleaningOptions
from engine.audio.tiers import TIERS, check_tier, require_tier
from engine.errors import TierError
from tests.audio import RATE, clips, encode, joined, load, snr_mix

OPTS = CleaningOptions()


def _sample(ingestor, audio, tmp_path, name):
    data = encode(audio, tmp_path / f"{name}.ogg", "-c:a", "libopus", "-b:a", "64k").read_bytes()
    return ingestor.from_bytes(data, OPTS)


@pytest.fixture(scope="module")
def voices(ingestor, tmp_path_factory):
    """Five ~5 s voice notes from each speaker (consecutive clips joined, as a person would send)."""
    tmp = tmp_path_factory.mktemp("voices")
    out = {}
    for speaker in ("allison_en", "carlo_it"):
        out[speaker] = [
            SampleInput(
                f"{speaker}-{i}", _sample(ingestor, joined(speaker, 5, start=3 * i), tmp, f"{speaker}{i}")
            )
            for i in range(5)
        ]
    return out


def test_contract_fields_exactly(voices):
    report = analyze(voices["allison_en"], "en", "instant")
    analysis = report["audioAnalysis"]
    assert set(analysis) == {"totalDuration", "audioQuality", "speakerConsistency", "languageDetected"}
    assert analysis["audioQuality"] == "good"
    assert 20 < analysis["totalDuration"] < 55
    assert analysis["totalDuration"] == round(sum(s["speechDuration"] for s in report["samples"]), 2)
    assert report["tierCheck"]["ok"] is True


def test_mixed_speakers_score_clearly_lower(voices):
    one = analyze(voices["allison_en"])["audioAnalysis"]["speakerConsistency"]
    other = analyze(voices["carlo_it"])["audioAnalysis"]["speakerConsistency"]
    mixed = analyze(voices["allison_en"][:3] + voices["carlo_it"][:2])["audioAnalysis"]["speakerConsistency"]
    assert one > 0.8 and other > 0.8
    assert mixed < min(one, other) - 0.1


def test_the_odd_sample_is_named(voices):
    inputs = voices["allison_en"] + voices["carlo_it"][:1]
    report = analyze(inputs)
    flagged = [
        s["name"] for s in report["samples"] if any(f["code"] == "different_speaker" for f in s["feedback"])
    ]
    assert flagged == ["carlo_it-0"]


def test_language_from_transcripts_or_declared(voices):
    samples = voices["carlo_it"][:2]
    assert analyze(samples, "fr")["audioAnalysis"]["languageDetected"] == "fr"
    assert analyze(samples, "fr")["languageSource"] == "declared"
    samples = [
        SampleInput(s.name, s.sample, transcript=t)
        for s, t in zip(
            samples,
            ["Per favore, riprova a chiamare più tardi.", "Il numero selezionato non esiste."],
            strict=True,
        )
    ]
    report = analyze(samples, "fr")
    assert report["audioAnalysis"]["languageDetected"] == "it" and report["languageSource"] == "transcripts"


def test_noisy_clipped_and_narrowband_samples_get_feedback(ingestor, tmp_path):
    speech = joined("allison_en", 6)
    loud = 0.95 * speech / np.max(np.abs(speech))
    cases = {
        "noisy": snr_mix(speech, 10),
        "clipped": np.clip(loud * 4, -0.95, 0.95),
        "narrowband": signal.sosfilt(signal.butter(8, 3200, "lowpass", fs=RATE, output="sos"), speech),
    }
    for code, audio in cases.items():
        sample = _sample(ingestor, audio.astype(np.float32), tmp_path, code)
        report = analyze([SampleInput(code, sample)])
        codes = [f["code"] for f in report["samples"][0]["feedback"]]
        assert code in codes, (code, report["samples"][0])
        assert report["audioAnalysis"]["audioQuality"] in ("fair", "poor")
        assert all(f["message"] for f in report["samples"][0]["feedback"])


def test_short_sample_is_flagged(ingestor, tmp_path):
    short = load(clips("allison_en")[0])[: int(2.0 * RATE)]
    report = analyze([SampleInput("short", _sample(ingestor, short, tmp_path, "short"))])
    assert [f["code"] for f in report["samples"][0]["feedback"]] == ["too_short"]


def test_tier_rules_from_the_contract():
    assert check_tier("standard", 42).message == "standard needs at least 60 s of speech; you have 42 s."
    assert not check_tier("instant", 9.4).ok and check_tier("instant", 10).ok
    assert check_tier("premium", 299).ok is False and check_tier("premium", 300).ok
    assert "15 min" in check_tier("professional", 600).message
    assert check_tier("instant", 45).usable_seconds == 30
    assert check_tier("professional", 1000, "poor").ok is False
    assert [TIERS[t].min_seconds for t in ("instant", "standard", "premium", "professional")] == [
        10,
        60,
        300,
        900,
    ]
    with pytest.raises(TierError, match="you have 42 s"):
        require_tier("standard", 42)
