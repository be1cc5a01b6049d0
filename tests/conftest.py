from __future__ import annotations

from pathlib import Path

import pytest

from engine.audio.decode import Limits
from engine.audio.ingest import Ingestor
from engine.audio.speaker import SpeakerEncoder
from engine.audio.vad import SileroVad


@pytest.fixture(scope="session")
def vad() -> SileroVad:
    return SileroVad()


@pytest.fixture(scope="session")
def encoder() -> SpeakerEncoder:
    return SpeakerEncoder()


@pytest.fixture(scope="session")
def ingestor(vad: SileroVad, encoder: SpeakerEncoder) -> Ingestor:
    return Ingestor(Limits(), vad=vad, encoder=encoder)


@pytest.fixture(scope="session")
def tiny_xtts(tmp_path_factory) -> Path:
    """A tiny random XTTS-v2 folder, built once per run (tests/xtts_tiny.py); never committed."""
    from tests.xtts_tiny import build

    return build(tmp_path_factory.mktemp("xtts") / "model")


@pytest.fixture(scope="session")
def postgres_server(tmp_path_factory):
    """A real PostgreSQL 16 for the run (the ``pgserver`` wheel: no apt, no system server), stopped
    at the end. Each test that uses it gets a database of its own (``database``)."""
    import pgserver

    server = pgserver.get_server(tmp_path_factory.mktemp("pg"), cleanup_mode="stop")
    try:
        yield server
    finally:
        server.cleanup()


@pytest.fixture(params=["sqlite", "postgresql"])
def database(request) -> str | None:
    """Run the test on both databases: None (the data folder's SQLite file) or a fresh PostgreSQL
    database's URL."""
    if request.param == "sqlite":
        return None
    from tests.postgres import fresh_database

    return fresh_database(request.getfixturevalue("postgres_server"))


@pytest.fixture(scope="session")
def corpus(tmp_path_factory):
    """The hostile uploads (tests/hostile.py), built once per run for every front end's test."""
    from tests.hostile import uploads

    return uploads(tmp_path_factory.mktemp("hostile"))
