from __future__ import annotations

import pytest

from engine.ffmpeg import Limits
from engine.ingest import Ingestor
from engine.speaker import SpeakerEncoder
from engine.vad import SileroVad


@pytest.fixture(scope="session")
def vad() -> SileroVad:
    return SileroVad()


@pytest.fixture(scope="session")
def encoder() -> SpeakerEncoder:
    return SpeakerEncoder()


@pytest.fixture(scope="session")
def ingestor(vad: SileroVad, encoder: SpeakerEncoder) -> Ingestor:
    return Ingestor(Limits(), vad=vad, encoder=encoder)
