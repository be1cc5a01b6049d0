"""Adding a voice sample: ingest first, store only what passed, and leave nothing behind on failure.

Platform-neutral: a bot adapter passes the downloaded bytes and the sender; this returns the stored
sample or raises the ingest's typed ``AudioError`` (whose message is meant for the person).
"""

from __future__ import annotations

import asyncio
import io
from dataclasses import dataclass

import numpy as np
import soundfile

from engine.audio.ingest import CleaningOptions, Ingestor, ProcessedSample
from engine.errors import AudioError
from storage import Storage
from storage.ids import new_id
from storage.records import Sample


class SampleRejectedError(AudioError):
    code = "sample_rejected"


@dataclass(frozen=True, slots=True)
class SampleMeta:
    transcript: str | None = None
    language: str | None = None
    emotion: str | None = None


def flac(sample: ProcessedSample) -> bytes:
    buffer = io.BytesIO()
    soundfile.write(buffer, sample.audio, sample.rate, format="FLAC", subtype="PCM_16")
    return buffer.getvalue()


async def add_sample(
    storage: Storage,
    ingestor: Ingestor,
    owner_id: int,
    voice_id: str,
    data: bytes,
    options: CleaningOptions,
    meta: SampleMeta = SampleMeta(),
) -> Sample:
    """Ingest ``data`` into the owner's voice. Raises ``AudioError``; on any failure nothing is kept."""
    if await storage.voices.get(owner_id, voice_id) is None:
        raise SampleRejectedError("That voice doesn't exist or isn't yours.")
    # Heavy work stays off the event loop (the engine worker will own it in a later step).
    processed = await asyncio.to_thread(ingestor.from_bytes, data, options)
    return await store_sample(storage, owner_id, voice_id, processed, meta)


async def store_sample(
    storage: Storage, owner_id: int, voice_id: str, processed: ProcessedSample, meta: SampleMeta
) -> Sample:
    """Keep an ingested sample (FLAC file + row); a duplicate upload returns the sample already kept."""
    existing = await storage.samples.find_by_hash(owner_id, voice_id, processed.content_hash)
    if existing is not None:
        return existing
    sample_id = new_id("sample")
    path = storage.files.sample_path(owner_id, sample_id)
    storage.files.write(path, flac(processed))
    try:
        sample = await storage.samples.add(
            owner_id,
            voice_id,
            sample_id=sample_id,
            content_hash=processed.content_hash,
            duration=processed.duration,
            speech_duration=processed.speech_duration,
            quality=processed.quality,
            metrics=processed.metrics.to_dict(),
            embedding=processed.embedding.astype(np.float32).tobytes(),
            language=meta.language,
            emotion=meta.emotion,
            transcript=meta.transcript,
        )
        if sample is None:  # the voice went away meanwhile, or a twin upload won the race
            raise SampleRejectedError("That sample could not be added; please try again.")
    except BaseException:
        storage.files.delete(path)
        raise
    await storage.audit.log(owner_id, "sample.added", sample_id, voice=voice_id)
    return sample
