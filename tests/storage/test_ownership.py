"""User B can never read, use, list, change or delete user A's voice or samples."""

from __future__ import annotations

import pytest

from storage import Storage
from storage.voices import NameTakenError


async def _two_users(st: Storage):
    alice = await st.users.get_or_create("telegram", "100")
    bob = await st.users.get_or_create("telegram", "200")
    voice = await st.voices.create(alice.id, "Mine", ["en"], "instant", "embedded", retention_days=90)
    await st.voices.update(alice.id, voice.id, status="completed", progress=100.0)
    sample = await st.samples.add(
        alice.id, voice.id, content_hash="h1", duration=5, speech_duration=4, quality="good", metrics={}
    )
    st.files.write(st.files.sample_path(alice.id, sample.id), b"flac")
    return alice, bob, voice, sample


async def test_other_user_cannot_touch_a_voice(tmp_path, database):
    async with Storage.open(tmp_path, database) as st:
        alice, bob, voice, sample = await _two_users(st)
        assert await st.voices.get(bob.id, voice.id) is None
        assert await st.voices.get_usable(bob.id, voice.id) is None
        assert await st.voices.by_name(bob.id, "Mine") is None
        assert await st.voices.list(bob.id) == []
        assert await st.voices.update(bob.id, voice.id, status="failed") is False
        assert await st.voices.renew(bob.id, voice.id, 90) is False
        assert await st.voices.delete(bob.id, voice.id) is False
        assert await st.delete_voice(bob.id, voice.id) is False
        assert await st.samples.get(bob.id, sample.id) is None
        assert await st.samples.list(bob.id, voice.id) == []
        assert await st.delete_sample(bob.id, sample.id) is False
        added = await st.samples.add(
            bob.id, voice.id, content_hash="h2", duration=5, speech_duration=4, quality="good", metrics={}
        )
        assert added is None
        # Alice still has everything, untouched.
        mine = await st.voices.get_usable(alice.id, voice.id)
        assert mine is not None and mine.status == "completed"
        assert [s.id for s in await st.samples.list(alice.id, voice.id)] == [sample.id]
        assert st.files.sample_path(alice.id, sample.id).exists()


async def test_names_are_unique_per_owner_only(tmp_path, database):
    async with Storage.open(tmp_path, database) as st:
        alice, bob, voice, _ = await _two_users(st)
        with pytest.raises(NameTakenError):
            await st.voices.create(alice.id, "Mine", ["en"], "standard", "embedded", retention_days=90)
        other = await st.voices.create(bob.id, "Mine", ["en"], "standard", "embedded", retention_days=90)
        assert other.id != voice.id and other.id.startswith("voice_")


async def test_duplicate_sample_is_not_added_twice(tmp_path, database):
    async with Storage.open(tmp_path, database) as st:
        alice, _, voice, _ = await _two_users(st)
        again = await st.samples.add(
            alice.id, voice.id, content_hash="h1", duration=5, speech_duration=4, quality="good", metrics={}
        )
        assert again is None
        assert len(await st.samples.list(alice.id, voice.id)) == 1
