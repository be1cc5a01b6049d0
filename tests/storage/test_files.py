from __future__ import annotations

import os
import re

import pytest

from storage import Storage
from storage.files import FileStore
from storage.ids import iso, new_id, now


def test_ids_are_unguessable_and_well_formed():
    ids = {new_id("voice") for _ in range(1000)}
    assert len(ids) == 1000
    assert all(re.fullmatch(r"voice_[0-9a-f]{12}_[0-9a-f]{12}", i) for i in ids)


def test_atomic_write_leaves_no_partial_file(tmp_path, monkeypatch):
    store = FileStore(tmp_path)
    path = store.sample_path(1, "sample_aaaaaaaaaaaa_bbbbbbbbbbbb")
    store.write(path, b"first")

    def broken_replace(src, dst):
        raise OSError("disk full")

    monkeypatch.setattr(os, "replace", broken_replace)
    with pytest.raises(OSError, match="disk full"):
        store.write(path, b"second")
    assert path.read_bytes() == b"first"
    assert [p.name for p in path.parent.iterdir()] == [path.name]  # no temp file left


@pytest.mark.parametrize("bad", ["../etc", "a/b", "voice name", "", "x" * 81])
def test_paths_come_only_from_safe_ids(tmp_path, bad):
    store = FileStore(tmp_path)
    with pytest.raises(ValueError):
        store.voice_dir(1, bad)
    with pytest.raises(ValueError):
        store.output_path(1, "gen_1", bad or "?")


async def test_deleting_a_voice_removes_rows_and_files(tmp_path):
    async with Storage.open(tmp_path) as st:
        user = await st.users.get_or_create("cli", "me")
        voice = await st.voices.create(user.id, "v", ["en"], "instant", "embedded", retention_days=90)
        sample = await st.samples.add(
            user.id, voice.id, content_hash="h", duration=1, speech_duration=1, quality="fair", metrics={}
        )
        sample_file = st.files.write(st.files.sample_path(user.id, sample.id), b"audio")
        model_file = st.files.write(st.files.voice_dir(user.id, voice.id) / "model.bin", b"model")
        assert await st.delete_voice(user.id, voice.id)
        assert not sample_file.exists() and not model_file.exists()
        assert not st.files.voice_dir(user.id, voice.id).exists()
        assert await st.samples.get(user.id, sample.id) is None


async def test_deleting_a_user_removes_everything_they_own(tmp_path):
    async with Storage.open(tmp_path) as st:
        user = await st.users.get_or_create("discord", "55")
        voice = await st.voices.create(user.id, "v", ["en"], "instant", "embedded", retention_days=90)
        out = st.files.write(st.files.output_path(user.id, "gen_x", "mp3"), b"mp3")
        await st.generations.record(
            user.id, voice.id, text_chars=3, duration=1, format="mp3", sample_rate=44100
        )
        await st.audit.log(user.id, "voice.created", voice.id)
        assert await st.delete_user(user.id)
        assert not out.exists()
        assert all(not d.exists() for d in st.files.owner_dirs(user.id))
        assert await st.voices.list(user.id) == []
        assert await st.generations.seconds_since(user.id, "2000-01-01T00:00:00Z") == 0
        assert await st.audit.for_user(user.id) == []
        assert await st.audit.purge_before("9999-01-01T00:00:00Z") == 0  # their audit rows went too


async def test_expired_voices_are_purged(tmp_path):
    async with Storage.open(tmp_path) as st:
        user = await st.users.get_or_create("cli", "me")
        old = await st.voices.create(user.id, "old", ["en"], "instant", "embedded", retention_days=0)
        fresh = await st.voices.create(user.id, "fresh", ["en"], "instant", "embedded", retention_days=90)
        assert await st.voices.get_usable(user.id, old.id) is None  # expired: no longer usable
        assert [v.id for v in await st.voices.expired(iso(now()))] == [old.id]
        assert await st.delete_voice(user.id, old.id)
        assert [v.id for v in await st.voices.list(user.id)] == [fresh.id]


def test_copy_in_streams_and_stops_a_file_that_grows_past_the_cap(tmp_path):
    store = FileStore(tmp_path / "store")
    source = tmp_path / "in.bin"
    source.write_bytes(b"x" * 5000)
    target = store.upload_path(1, "voice_a", 0)
    store.copy_in(source, target, max_bytes=5000, chunk=1024)
    assert target.read_bytes() == source.read_bytes()
    with pytest.raises(ValueError):
        store.copy_in(source, store.upload_path(1, "voice_a", 1), max_bytes=4096, chunk=1024)
    assert sorted(p.name for p in target.parent.iterdir()) == [target.name]  # no partial file left
