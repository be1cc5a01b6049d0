"""The storage facade: one database connection, the repositories over it, and the file store.

Deletions that span rows and files live here, so "delete" always means both.
"""

from __future__ import annotations

import secrets
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path

from storage.activity import AuditRepo, GenerationRepo
from storage.api_keys import ApiKeyRepo
from storage.consents import VoiceConsentRepo
from storage.db import Connection, fetch_one, open_database
from storage.deletion import purge
from storage.files import FileStore
from storage.notices import NoticeRepo
from storage.servers import ServerRepo
from storage.users import ConsentRepo, UserRepo
from storage.voices import SampleRepo, VoiceRepo

DB_NAME = "voicebot.sqlite3"
STORE_ID = "store.id"


class StoreMismatch(Exception):
    """This host's file store is not the one the database's other hosts use."""


@dataclass
class Storage:
    conn: Connection  # aiosqlite's, or storage.postgres.PgConnection
    files: FileStore
    users: UserRepo
    consents: ConsentRepo
    voices: VoiceRepo
    samples: SampleRepo
    generations: GenerationRepo
    audit: AuditRepo
    servers: ServerRepo
    voice_consents: VoiceConsentRepo
    notices: NoticeRepo
    api_keys: ApiKeyRepo

    @classmethod
    @asynccontextmanager
    async def open(cls, data_dir: Path, database: str | None = None) -> AsyncIterator[Storage]:
        """The data folder's SQLite file, or the PostgreSQL server ``database`` names (a URL); the
        file store is the data folder's either way."""
        async with open_database(database or data_dir / DB_NAME) as conn:
            yield cls(
                conn=conn,
                files=FileStore(data_dir / "files"),
                users=UserRepo(conn),
                consents=ConsentRepo(conn),
                voices=VoiceRepo(conn),
                samples=SampleRepo(conn),
                generations=GenerationRepo(conn),
                audit=AuditRepo(conn),
                servers=ServerRepo(conn),
                voice_consents=VoiceConsentRepo(conn),
                notices=NoticeRepo(conn),
                api_keys=ApiKeyRepo(conn),
            )

    async def check_store(self) -> str:
        """That this host's file store is the one the database's other hosts use: the id made with
        the first start is in the database and in ``files/store.id``; a host that mounted another
        folder (or none) is refused before it takes a job. The store's id."""
        marker = self.files.root / STORE_ID
        row = await fetch_one(self.conn, "SELECT value FROM deployment WHERE key = 'store'")
        if row is None:  # the first start: this store becomes the deployment's
            made = self.files.write_once(marker, secrets.token_hex(16).encode()).decode().strip()
            await self.conn.execute(
                "INSERT INTO deployment (key, value) VALUES ('store', ?) ON CONFLICT DO NOTHING", (made,)
            )
            await self.conn.commit()
            row = await fetch_one(self.conn, "SELECT value FROM deployment WHERE key = 'store'")
        expected = row[0]
        seen = marker.read_text().strip() if marker.is_file() else None
        if seen != expected:
            found = f"its store id is {seen}" if seen else f"it has no {STORE_ID}"
            raise StoreMismatch(
                f"{self.files.root} is not the file store this database's hosts share ({found}; the"
                f" database expects {expected}): mount the shared store there, or set [storage] data_dir"
            )
        return expected

    async def delete_sample(self, owner_id: int, sample_id: str) -> bool:
        sample = await self.samples.get(owner_id, sample_id)
        if sample is None:
            return False
        await self.samples.delete(owner_id, sample_id)
        self.files.delete(self.files.sample_path(owner_id, sample_id))
        return True

    async def delete_voice(self, owner_id: int, voice_id: str) -> bool:
        """Delete a voice, its samples, model files and the speech made with it. False if it is not
        the owner's. The files of jobs that used it belong to the jobs: ``Context.delete_voice``
        removes them too."""
        voice = await self.voices.get(owner_id, voice_id)
        if voice is None:
            return False
        samples = await self.samples.list(owner_id, voice_id)
        outputs = await self.generations.for_voice(owner_id, voice_id)
        await self.voices.delete(owner_id, voice_id)  # sample rows cascade; receipts and jobs lose the voice
        for sample in samples:
            self.files.delete(self.files.sample_path(owner_id, sample.id))
        for generation in outputs:  # speech made with the voice is derived from it: it goes too
            self.files.delete(self.files.output_path(owner_id, generation.id, generation.format))
        self.files.delete(self.files.voice_dir(owner_id, voice_id))
        await self.audit.log(owner_id, "voice.deleted", voice_id)
        return True

    async def delete_user(self, user_id: int) -> bool:
        """Forget a user: every row they own (``storage.deletion``) and every file under their
        folders."""
        await purge(self.conn, user_id)
        deleted = await self.users.delete(user_id)  # commits the purge with it
        for folder in self.files.owner_dirs(user_id):
            self.files.delete(folder)
        return deleted
