"""The deletion contract (``storage.deletion``): every table with an owner column is declared, and
forgetting a person — on every linked account — leaves none of their rows or files, only one
anonymous line; somebody else's data stays."""

from __future__ import annotations

from bot.app import open_context
from bot.config import load_config
from engine.speech.render import SpeechOptions
from handlers import jobs, privacy, speech
from storage.deletion import IMPERSONAL, OWNER_COLUMNS, PERSONAL
from storage.ids import iso, now
from tests.voices import submit, uploads


async def _tables(conn) -> dict[str, set[str]]:
    rows = await conn.execute_fetchall(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
    )
    out = {}
    for (name,) in rows:
        out[name] = {col[1] for col in await conn.execute_fetchall(f"PRAGMA table_info({name})")}
    return out


async def test_every_table_with_an_owner_column_declares_how_it_is_deleted(tmp_path):
    async with open_context(load_config(data_dir=tmp_path)) as ctx:
        tables = await _tables(ctx.storage.conn)
    for table, columns in tables.items():
        owners = columns & set(OWNER_COLUMNS)
        assert table in PERSONAL or table in IMPERSONAL, f"{table}: declare it in storage/deletion.py"
        if owners:
            assert table in PERSONAL and owners <= set(PERSONAL[table][0]), f"{table}: {owners} undeclared"


async def test_forgetting_a_person_leaves_nothing_of_them_on_any_linked_account(tmp_path, database):
    async with open_context(load_config(data_dir=tmp_path, database=database)) as ctx:
        store = ctx.storage
        me = await store.users.get_or_create("telegram", "11")
        alias = await store.users.get_or_create("discord", "22")
        other = await store.users.get_or_create("telegram", "33")
        for person in (me, alias, other):
            await store.consents.accept(person.id, "2026-11", "hash", "test")
        mine = await jobs.wait_result(ctx, me.id, (await submit(ctx, me.id, "Mine", uploads()))["jobId"])
        aliased = await jobs.wait_result(
            ctx, alias.id, (await submit(ctx, alias.id, "Own", uploads()))["jobId"]
        )
        theirs = await jobs.wait_result(
            ctx, other.id, (await submit(ctx, other.id, "Theirs", uploads()))["jobId"]
        )
        said = await speech.submit_speech(ctx, me.id, mine["voiceId"], "Hello there.", SpeechOptions())
        await jobs.wait_result(ctx, me.id, said["jobId"])
        await store.users.link(alias.id, me.id)
        await store.users.issue_code(me.id, "code-hash", iso(now()))
        await store.servers.used("discord", "900", me.id, "speak")
        await store.servers.save(
            "discord", "900", {"speakDefault": {"owner": me.id, "voice": mine["voiceId"]}}
        )
        await store.audit.log(me.id, "consent.accepted")

        erased = await privacy.forget(ctx, alias.id)  # asked from the linked account
        assert erased == {"forgotten": True, "voices": 2, "accounts": 2}

        gone = {me.id, alias.id}
        for table, (columns, _how) in PERSONAL.items():
            for column in columns:
                rows = await store.conn.execute_fetchall(
                    f"SELECT COUNT(*) FROM {table} WHERE {column} IN (?, ?)", tuple(gone)
                )
                assert rows[0][0] == 0, (table, column)
        assert await store.servers.settings("discord", "900") == {}  # the lent voice is taken back
        audit = await store.conn.execute_fetchall(
            "SELECT user_id, action FROM audit_log WHERE action = 'user.erased'"
        )
        assert [tuple(r) for r in audit] == [(None, "user.erased")]
        leftovers = [p for p in (tmp_path / "files").rglob("*") if p.is_file() and any(
            d in p.parents for uid in gone for d in store.files.owner_dirs(uid))]  # fmt: skip
        assert leftovers == [] and not any(d.exists() for uid in gone for d in store.files.owner_dirs(uid))
        assert [v.id for v in await store.voices.list(other.id)] == [theirs["voiceId"]]  # theirs stays
        assert aliased["voiceId"] not in [v.id for v in await store.voices.list(other.id)]
