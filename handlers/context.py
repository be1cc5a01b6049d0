"""What the use cases need, built once by the composition root and passed in."""

from __future__ import annotations

import asyncio
import json
from dataclasses import dataclass, field
from typing import Any

from engine.audio.ingest import CleaningOptions, Ingestor
from engine.jobs.client import EngineClient
from engine.speech.backends.base import EngineUnavailable
from engine.speech.backends.embedded import EmbeddedBackend
from storage import Storage


@dataclass
class Context:
    storage: Storage
    ingestor: Ingestor
    backend: EmbeddedBackend  # always available: the fallback when another engine cannot run
    cleaning: CleaningOptions
    engine: EngineClient
    consistency_threshold: float = 0.75
    retention_days: int = 90
    max_tries: int = 3
    audit_retention_days: int = 365
    job_retention_days: int = 7
    engines: dict[str, Any] = field(default_factory=dict)  # other engines by name (xtts)
    default_engine: str = "embedded"  # for new voices
    quotas: Any = None  # handlers.quotas.Quotas; None: no limits
    transcriber: Any = None  # engine.asr.Transcriber, when a speech recogniser is configured
    _voices: dict[str, Any] = field(default_factory=dict)  # loaded voices, by id

    async def load_voice(self, owner_id: int, voice_id: str) -> Any:
        """The prepared voice, read from storage once per process."""
        if voice_id not in self._voices:
            folder = self.storage.files.voice_dir(owner_id, voice_id)

            def read() -> Any:
                files = {p.name: self.storage.files.read(p) for p in folder.iterdir() if p.is_file()}
                return self.backend_for(json.loads(files["voice.json"])["engine"]).load(files)

            self._voices[voice_id] = await asyncio.to_thread(read)
        return self._voices[voice_id]

    def backend_for(self, name: str) -> Any:
        """The backend called ``name``; ``EngineUnavailable`` when this process has no such engine."""
        if name == self.backend.name:
            return self.backend
        if name not in self.engines:
            raise EngineUnavailable(f"the {name} engine is not configured on this worker")
        return self.engines[name]

    def forget_voice(self, voice_id: str) -> None:
        self._voices.pop(voice_id, None)
