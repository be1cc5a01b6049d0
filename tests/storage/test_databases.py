"""Every repository's SQL on both databases (the data folder's SQLite and a real PostgreSQL): one
copy of the statements, the same answers."""

from __future__ import annotations

from storage import Storage
from storage.ids import iso, now
from storage.records import VoiceConsent


async def test_the_repositories_answer_the_same_on_both(tmp_path, database):
    async with Storage.open(tmp_path, database) as st:
        assert getattr(st.conn, "dialect", "sqlite") == ("postgresql" if database else "sqlite")
        me = await st.users.get_or_create("telegram", "1", "de")
        alias = await st.users.own("discord", "2")
        await st.users.link(alias.id, me.id)
        assert (await st.users.find("discord", "2")).id == me.id  # the alias stands for the primary
        assert await st.users.linked(alias.id) == [alias.id, me.id]
        await st.users.save_settings(me.id, {"speed": 1.2})
        assert (await st.users.get(me.id)).settings == {"speed": 1.2}
        await st.users.issue_code(me.id, "h", "2999-01-01T00:00:00Z")
        assert await st.users.take_code("h") == me.id and await st.users.take_code("h") is None
        assert await st.users.unlink(alias.id) == 1

        voice = await st.voices.create(me.id, "Mine", ["de", "en"], "instant", "embedded", retention_days=90)
        other = await st.voices.create(me.id, "Zweite", ["de"], "instant", "embedded", retention_days=90)
        assert [v.id for v in await st.voices.list(me.id)] == [voice.id, other.id]  # in the order made
        assert await st.voices.update(me.id, voice.id, status="completed", progress=100.0)
        assert (await st.voices.get_usable(me.id, voice.id)).languages == ["de", "en"]
        first = await st.samples.add(
            me.id, voice.id, content_hash="a", duration=3.5, speech_duration=3.0, quality="good",
            metrics={"snr": 20}, embedding=b"\x00\x01\xff",
        )  # fmt: skip
        await st.samples.add(
            me.id, voice.id, content_hash="b", duration=2, speech_duration=1.5, quality="fair", metrics={}
        )
        listed = await st.samples.list(me.id, voice.id)
        assert [s.content_hash for s in listed] == ["a", "b"] and listed[0].embedding == b"\x00\x01\xff"
        assert (await st.samples.find_by_hash(me.id, voice.id, "a")).id == first.id

        challenge = await st.voice_consents.issue(me.id, None, "de", lambda code: f"{code}.", 6, 900)
        assert (await st.voice_consents.open_challenge(me.id, None)).id == challenge.id
        again = await st.voice_consents.issue(me.id, None, "de", lambda code: f"{code}.", 6, 900)
        assert (await st.voice_consents.open_challenge(me.id, None)).id == again.id  # one at a time
        assert await st.voice_consents.use(me.id, again.id) and not await st.voice_consents.use(
            me.id, again.id
        )
        for score in (0.8, 0.9):  # recorded again: replaced
            await st.voice_consents.record(
                VoiceConsent(voice.id, me.id, again.id, "s", True, "123456", score, b"e", "r", iso(now()))
            )
        kept = await st.voice_consents.get(me.id, voice.id)
        assert kept.speaker_score == 0.9 and kept.words_checked and await st.voice_consents.seen(me.id, "r")

        for chars in (10, 20):
            await st.generations.record(
                me.id, voice.id, text_chars=chars, duration=1.25, format="mp3", sample_rate=44100,
                where={"platform": "discord", "server": "9"},
            )  # fmt: skip
        assert await st.generations.seconds_since(me.id, "2000-01-01T00:00:00Z") == 2.5
        assert await st.generations.server_seconds_since("discord", "9", "2000-01-01T00:00:00Z") == 2.5
        assert [g.text_chars for g in await st.generations.recent(me.id)] == [20, 10]  # newest first

        assert await st.notices.add(me.id, "telegram", "expiry", voice.id, {"text": "bald"})
        assert not await st.notices.add(me.id, "telegram", "expiry", voice.id, {"text": "bald"})  # once
        (notice,) = await st.notices.pending("telegram")
        await st.notices.sent(notice.id)
        assert await st.notices.pending("telegram") == []

        key, secret = await st.api_keys.create(me.id, "laptop")
        assert await st.api_keys.owner_of(secret) == me.id
        assert await st.api_keys.revoke(me.id, key.id) and await st.api_keys.owner_of(secret) is None

        await st.servers.save("discord", "9", {"speakDefault": {"owner": me.id, "voice": voice.id}})
        await st.servers.used("discord", "9", me.id, "speak")
        assert await st.servers.usage("discord", "9", "speak") == 1
        await st.audit.log(me.id, "voice.created", voice.id, n=1)
        assert [e.action for e in await st.audit.for_user(me.id)] == ["voice.created"]

        assert await st.delete_voice(me.id, other.id)
        assert await st.delete_user(me.id)
        assert await st.users.find("telegram", "1") is None
        assert await st.servers.settings("discord", "9") == {}  # the lent voice went with its owner
        assert await st.voices.list(me.id) == []
