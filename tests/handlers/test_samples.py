"""A bad upload gets a clear typed error and leaves no row and no file behind."""

from __future__ import annotations

import io

import numpy as np
import pytest
import soundfile

from engine import errors
from engine.audio.ingest import CleaningOptions
from handlers.samples import SampleRejectedError, add_sample
from storage import Storage
from tests.audio import RATE, encode, joined

OPTS = CleaningOptions()


def _all_files(root):
    return sorted(p for p in root.rglob("*") if p.is_file())


async def _setup(st: Storage):
    user = await st.users.get_or_create("telegram", "1")
    voice = await st.voices.create(user.id, "me", ["en"], "instant", "embedded", retention_days=90)
    return user, voice


async def test_good_sample_is_stored_once(tmp_path, ingestor):
    data = encode(joined("allison_en", 5), tmp_path / "note.ogg", "-c:a", "libopus").read_bytes()
    async with Storage.open(tmp_path / "data") as st:
        user, voice = await _setup(st)
        sample = await add_sample(st, ingestor, user.id, voice.id, data, OPTS)
        again = await add_sample(st, ingestor, user.id, voice.id, data, OPTS)
        assert again.id == sample.id
        assert len(await st.samples.list(user.id, voice.id)) == 1
        stored, rate = soundfile.read(io.BytesIO(st.files.read(st.files.sample_path(user.id, sample.id))))
        assert rate == RATE and abs(len(stored) / rate - sample.speech_duration) < 0.01
        assert np.frombuffer(sample.embedding, np.float32).shape == (256,)
        assert sample.quality == "good" and sample.metrics["snr_db"] > 30


BAD = {
    "empty": (lambda tmp: b"", errors.EmptyFileError),
    "not audio": (lambda tmp: b"GIF89a" + bytes(500), errors.NotAudioError),
    "truncated": (
        lambda tmp: (lambda d: d[: len(d) // 2])(
            encode(joined("allison_en", 5), tmp / "t.ogg", "-c:a", "libopus").read_bytes()
        ),
        errors.CorruptAudioError,
    ),
    "silence": (
        lambda tmp: encode(np.zeros(RATE * 3, np.float32), tmp / "s.ogg", "-c:a", "libopus").read_bytes(),
        errors.SilentAudioError,
    ),
    "noise": (
        lambda tmp: encode(
            (np.random.default_rng(3).standard_normal(RATE * 3) * 0.1).astype(np.float32), tmp / "n.wav"
        ).read_bytes(),
        errors.NoSpeechError,
    ),
}


@pytest.mark.parametrize("case", sorted(BAD))
async def test_bad_upload_leaves_nothing(tmp_path, ingestor, case):
    make, error = BAD[case]
    data = make(tmp_path)
    async with Storage.open(tmp_path / "data") as st:
        user, voice = await _setup(st)
        before = _all_files(st.files.root)
        with pytest.raises(error) as caught:
            await add_sample(st, ingestor, user.id, voice.id, data, OPTS)
        assert caught.value.message
        assert await st.samples.list(user.id, voice.id) == []
        assert _all_files(st.files.root) == before


async def test_sample_for_someone_elses_voice_is_refused(tmp_path, ingestor):
    data = encode(joined("allison_en", 4), tmp_path / "note.ogg", "-c:a", "libopus").read_bytes()
    async with Storage.open(tmp_path / "data") as st:
        _, voice = await _setup(st)
        intruder = await st.users.get_or_create("telegram", "2")
        with pytest.raises(SampleRejectedError):
            await add_sample(st, ingestor, intruder.id, voice.id, data, OPTS)
        assert _all_files(st.files.root) == []


async def test_failure_after_the_file_is_written_removes_it(tmp_path, ingestor, monkeypatch):
    data = encode(joined("allison_en", 4), tmp_path / "note.ogg", "-c:a", "libopus").read_bytes()
    async with Storage.open(tmp_path / "data") as st:
        user, voice = await _setup(st)

        async def broken_add(*args, **kwargs):
            raise RuntimeError("database is locked")

        monkeypatch.setattr(st.samples, "add", broken_add)
        with pytest.raises(RuntimeError):
            await add_sample(st, ingestor, user.id, voice.id, data, OPTS)
        assert _all_files(st.files.root) == []
