"""Composition root: config in, the handlers' context out, every lifetime owned by one ``async with``."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from bot.config import Config
from engine.audio.asr import WhisperTranscriber
from engine.audio.decode import Limits
from engine.audio.ingest import CleaningOptions, Ingestor
from engine.audio.speaker import SpeakerEncoder
from engine.audio.spoken_code import CodeReader
from engine.device import pick_device
from engine.jobs.client import EngineClient
from engine.jobs.queue import JobQueue
from engine.jobs.sqlite import SqliteQueue
from engine.speech.backends.embedded import EmbeddedBackend
from engine.speech.backends.xtts import XttsBackend, XttsSettings
from engine.speech.watermark import Watermarker
from handlers.context import Context
from handlers.jobs import runners
from handlers.quotas import Quotas
from storage import Storage


def limits(config: Config) -> Limits:
    return Limits(
        max_bytes=int(config.audio.max_upload_mb * 1024 * 1024),
        max_seconds=config.audio.max_duration_s,
        timeout_s=config.audio.decode_timeout_s,
    )


def cleaning(config: Config) -> CleaningOptions:
    return CleaningOptions(
        enhance_quality=config.audio.enhance_quality,
        remove_noise=config.audio.remove_noise,
        normalize_volume=config.audio.normalize_volume,
        loudness_target_lufs=config.audio.loudness_target_lufs,
    )


def xtts_settings(config: Config, device: str) -> XttsSettings | None:
    """None when XTTS is neither the default engine nor given a model folder."""
    if config.engine.backend != "xtts" and config.engine.xtts_model_dir is None:
        return None
    return XttsSettings(
        config.engine.xtts_model_dir, config.engine.xtts_model_name, config.engine.xtts_accept_licence, device
    )


def engines(config: Config, device: str) -> dict[str, XttsBackend]:
    """Engines besides the embedded one; nothing is loaded until a job needs it."""
    settings = xtts_settings(config, device)
    return {"xtts": XttsBackend(settings)} if settings else {}


def engine_states(config: Config) -> list[dict]:
    """For ``voicebot models`` and ``doctor``: what each engine would do here, loading nothing."""
    from engine.audio.language import LANGUAGES
    from engine.speech.backends import xtts

    device = pick_device(config.engine.device)
    return [
        {
            "engine": "embedded",
            "configured": True,
            "ready": True,
            "device": "cpu",
            "languages": list(LANGUAGES),
            "detail": "espeak-ng + WORLD, bundled",
        },
        xtts.status(xtts_settings(config, device)) | {"default": config.engine.backend == "xtts"},
    ]


@asynccontextmanager
async def job_queue(config: Config, storage: Storage) -> AsyncIterator[JobQueue]:
    """The queue implementation for the config (one entry per ``engine.jobs.QUEUES``)."""
    limit = config.engine.max_queued_per_user
    if config.queue == "sqlite":
        yield SqliteQueue(storage.conn, max_queued_per_owner=limit)
        return
    from engine.jobs.postgres import PostgresQueue

    queue = PostgresQueue(storage.conn, str(config.storage.database), max_queued_per_owner=limit)
    await queue.open()
    try:
        yield queue
    finally:
        await queue.close()


@asynccontextmanager
async def open_context(config: Config) -> AsyncIterator[Context]:
    async with (
        Storage.open(config.data_dir, config.storage.database) as storage,
        job_queue(config, storage) as queue,
    ):
        device = pick_device(config.engine.device)
        ingestor = Ingestor(limits(config), encoder=SpeakerEncoder(device))
        ctx = Context(
            storage=storage,
            ingestor=ingestor,
            backend=EmbeddedBackend(ingestor.encoder),
            cleaning=cleaning(config),
            engine=EngineClient(queue, local_concurrency=config.engine.concurrency),
            consistency_threshold=config.analysis.speaker_consistency_threshold,
            retention_days=config.voices.retention_days,
            max_tries=config.engine.max_tries,
            audit_retention_days=config.storage.audit_retention_days,
            job_retention_days=config.storage.job_retention_days,
            output_retention_days=config.storage.output_retention_days,
            engines=engines(config, device),
            default_engine=config.engine.backend,
            quotas=Quotas(
                config.quotas.trainings_per_day,
                config.quotas.speech_minutes_per_day,
                config.quotas.cooldown_s,
            ),
            consent_policy=config.consent.policy,
            code_reader=CodeReader(),
            speaker_threshold=config.consent.speaker_threshold,
            watermarker=Watermarker(device) if config.provenance.watermark else None,
            transcriber=WhisperTranscriber(config.engine.asr_model, device)
            if config.engine.asr_model
            else None,
        )
        # A CLI command that waits for its job can serve the queue itself when no worker runs.
        ctx.engine.local_runners = runners(ctx)
        yield ctx
