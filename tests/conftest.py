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
