"""Silence, noise and music are refused; real speech comes out trimmed, measured and embedded."""

from __future__ import annotations

import numpy as np
import pytest

from engine import errors
from engine.audio.ingest import CleaningOptions
from tests.audio import RATE, clips, encode, joined, load, tones

RAW = CleaningOptions(enhance_quality=False, remove_noise=False, normalize_volume=False)


def _ogg(audio: np.ndarray, tmp_path, name: str = "note.ogg") -> bytes:
    return encode(audio, tmp_path / name, "-c:a", "libopus").read_bytes()


def test_pure_silence_is_refused(ingestor, tmp_path):
    with pytest.raises(errors.SilentAudioError) as caught:
        ingestor.from_bytes(_ogg(np.zeros(RATE * 3, np.float32), tmp_path), RAW)
    assert "silent" in caught.value.message


def test_noise_without_speech_is_refused(ingestor, tmp_path):
    noise = (np.random.default_rng(0).standard_normal(RATE * 4) * 0.05).astype(np.float32)
    with pytest.raises(errors.NoSpeechError):
        ingestor.from_bytes(_ogg(noise, tmp_path), RAW)


@pytest.mark.parametrize("drums", [False, True])
def test_music_without_speech_is_refused(ingestor, tmp_path, drums):
    with pytest.raises(errors.NoSpeechError) as caught:
        ingestor.from_bytes(_ogg(tones(8, drums=drums), tmp_path), RAW)
    assert "music" in caught.value.message


def test_speech_is_trimmed_and_measured(ingestor, tmp_path):
    speech = load(clips("allison_en")[12])
    padded = np.concatenate([np.zeros(RATE * 2, np.float32), speech, np.zeros(RATE * 2, np.float32)])
    sample = ingestor.from_bytes(_ogg(padded, tmp_path), RAW)
    assert abs(sample.duration - len(padded) / RATE) < 0.05
    # Four seconds of silence went, the speech stayed.
    assert len(speech) / RATE - 0.6 < sample.speech_duration < len(speech) / RATE + 0.3
    assert sample.metrics.speech_ratio < 0.6
    assert sample.quality == "good" and sample.metrics.snr_db > 30
    assert sample.embedding.shape == (256,) and abs(np.linalg.norm(sample.embedding) - 1) < 1e-3
    assert sample.probe.codec == "opus"


def test_same_upload_hashes_the_same(ingestor, tmp_path):
    data = _ogg(joined("carlo_it", 4), tmp_path)
    first, second = ingestor.from_bytes(data, RAW), ingestor.from_bytes(data, RAW)
    assert first.content_hash == second.content_hash
    assert np.array_equal(first.audio, second.audio)


def test_a_single_word_is_too_short_not_music(ingestor):
    from tests.audio import VOICES

    with pytest.raises(errors.TooShortError) as caught:
        ingestor.from_file(VOICES.parent / "short" / "activated.ogg", RAW)  # "Activated." (~0.7 s)
    assert "s of speech" in caught.value.message
