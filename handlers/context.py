"""What the use cases need, built once by the composition root and passed in."""

from __future__ import annotations

import asyncio
import json
import logging
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from engine.audio.asr import Transcriber
from engine.audio.ingest import CleaningOptions, Ingestor
from engine.audio.speaker_check import THRESHOLD as SPEAKER_THRESHOLD
from engine.audio.spoken_code import CodeReader
from engine.jobs.client import EngineClient
from engine.speech.backends.base import EngineUnavailable, PreparedVoice, VoiceBackend
from engine.speech.backends.embedded import EmbeddedBackend
from engine.speech.watermark import Watermarker
from handlers.errors import Refusal
from storage import Storage

if TYPE_CHECKING:  # handlers.quotas uses the context: imported here for the type only
    from handlers.quotas import Quotas

log = logging.getLogger(__name__)


def _damaged(voice_id: str, exc: Exception) -> Refusal:
    """A voice whose files cannot be read back: refused for good (no retry), its own only."""
    log.warning("voice %s: its files are damaged (%s: %s)", voice_id, type(exc).__name__, exc)
    return Refusal("voice_damaged", "That voice's files are damaged, so it cannot speak.", "voice_damaged")


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
    output_retention_days: int = 30
    engines: dict[str, VoiceBackend] = field(default_factory=dict)  # other engines by name (xtts)
    default_engine: str = "embedded"  # for new voices
    quotas: Quotas | None = None  # None: no limits
    transcriber: Transcriber | None = None  # when a speech recogniser is configured
    consent_policy: str = "voice"  # "text": an accepted statement is enough (handlers/voice_consent.py)
    code_reader: CodeReader | None = None  # hears the code in a consent recording (English)
    speaker_threshold: float = SPEAKER_THRESHOLD  # a sample against the consent recording
    watermarker: Watermarker | None = None  # None: generated audio carries the metadata marking only
    # False on a bot host that serves no queue: notes are checked by a worker (handlers/checks.py)
    checks_here: bool = True
    # one sentence at a time on the engine, in turn (asyncio's lock wakes its waiters in order)
    speaking: asyncio.Lock = field(default_factory=asyncio.Lock)
    _voices: dict[str, PreparedVoice] = field(default_factory=dict)  # loaded voices, by id

    async def load_voice(self, owner_id: int, voice_id: str) -> PreparedVoice:
        """The prepared voice, read from storage once per process."""
        if voice_id not in self._voices:
            folder = self.storage.files.voice_dir(owner_id, voice_id)

            def read() -> PreparedVoice:
                try:
                    files = {p.name: self.storage.files.read(p) for p in folder.iterdir() if p.is_file()}
                    engine = json.loads(files["voice.json"])["engine"]
                except (FileNotFoundError, KeyError, ValueError, TypeError) as exc:
                    raise _damaged(voice_id, exc) from None
                backend = self.backend_for(engine)  # EngineUnavailable: said as such
                try:
                    return backend.load(files)
                except Exception as exc:  # whatever a damaged file makes the parser raise
                    raise _damaged(voice_id, exc) from None

            self._voices[voice_id] = await asyncio.to_thread(read)
        return self._voices[voice_id]

    def backend_for(self, name: str) -> VoiceBackend:
        """The backend called ``name``; ``EngineUnavailable`` when this process has no such engine."""
        if name == self.backend.name:
            return self.backend
        if name not in self.engines:
            raise EngineUnavailable(f"the {name} engine is not configured on this worker")
        return self.engines[name]

    def loaded_voices(self) -> list[str]:
        """The voices this process has loaded (its worker's heartbeat reports them)."""
        return list(self._voices)

    def forget_voice(self, voice_id: str) -> None:
        self._voices.pop(voice_id, None)

    async def delete_voice(self, owner_id: int, voice_id: str) -> bool:
        """The voice with everything kept for it (the files of the jobs that used it too: streamed
        chunks, batch zips) and this process's loaded copy; the one way a voice goes."""
        jobs = await self.engine.queue.voice_jobs(owner_id, voice_id)  # before the voice is unlinked
        deleted = await self.storage.delete_voice(owner_id, voice_id)
        if deleted:
            for job_id in jobs:
                await asyncio.to_thread(
                    self.storage.files.delete, self.storage.files.job_dir(owner_id, job_id)
                )
        self.forget_voice(voice_id)
        return deleted
