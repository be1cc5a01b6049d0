"""What the use cases need, built once by the composition root and passed in."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from typing import Any

from engine.backends.embedded import EmbeddedBackend
from engine.client import EngineClient
from engine.ingest import CleaningOptions, Ingestor
from storage import Storage


@dataclass
class Context:
    storage: Storage
    ingestor: Ingestor
    backend: EmbeddedBackend
    cleaning: CleaningOptions
    engine: EngineClient
    consistency_threshold: float = 0.75
    retention_days: int = 90
    max_tries: int = 3
    audit_retention_days: int = 365
    job_retention_days: int = 7
    _voices: dict[str, Any] = field(default_factory=dict)  # loaded voices, by id

    async def load_voice(self, owner_id: int, voice_id: str) -> Any:
        """The prepared voice, read from storage once per process."""
        if voice_id not in self._voices:
            folder = self.storage.files.voice_dir(owner_id, voice_id)

            def read() -> Any:
                files = {p.name: self.storage.files.read(p) for p in folder.iterdir() if p.is_file()}
                return self.backend.load(files)

            self._voices[voice_id] = await asyncio.to_thread(read)
        return self._voices[voice_id]

    def forget_voice(self, voice_id: str) -> None:
        self._voices.pop(voice_id, None)
