"""Configuration: ``config.example.toml`` loaded into one validated model per section.

Bot tokens are never read from the file: they come from the environment (names in the
``[telegram]`` / ``[discord]`` sections) and are held as ``SecretStr`` so they never print.
"""

from __future__ import annotations

import os
import re
import tomllib
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, SecretStr, ValidationError, model_validator

from engine.audio.language import LANGUAGES
from engine.audio.tiers import VOICE_TYPES
from engine.jobs import QUEUES
from engine.jobs.records import MAX_LEASE_S
from engine.speech.backends import ENGINES

CONFIG_ENV = "VOICEBOT_CONFIG"
DATA_DIR_ENV = "VOICEBOT_DATA_DIR"
DATABASE_ENV = "VOICEBOT_DATABASE"
DEFAULT_DATA_DIR = Path("~/.local/share/voicebot")


class Section(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class StorageConfig(Section):
    data_dir: Path = DEFAULT_DATA_DIR  # the file store (shared by every host of a pool) and SQLite
    # A PostgreSQL server for a pool of hosts ("postgresql://user@host/db"; the password from
    # $PGPASSWORD or ~/.pgpass, or the whole URL from $VOICEBOT_DATABASE); unset: the data folder's
    # SQLite file.
    database: str | None = Field(None, pattern=r"^postgres(ql)?://")
    audit_retention_days: int = Field(365, ge=1)
    job_retention_days: int = Field(7, ge=1, le=365)  # finished jobs, their events and files
    output_retention_days: int = Field(30, ge=1, le=3650)  # generated speech files (receipts stay)


class AudioConfig(Section):
    max_upload_mb: float = Field(20, gt=0, le=500)
    max_duration_s: float = Field(600, gt=0, le=7200)
    decode_timeout_s: float = Field(60, gt=0, le=600)
    enhance_quality: bool = True
    remove_noise: bool = False
    normalize_volume: bool = True
    loudness_target_lufs: float = Field(-23.0, ge=-40, le=-10)


class AnalysisConfig(Section):
    speaker_consistency_threshold: float = Field(0.75, ge=0, le=1)


class VoicesConfig(Section):
    retention_days: int = Field(90, ge=1, le=3650)
    default_language: Literal[LANGUAGES] = "en"
    default_voice_type: Literal[VOICE_TYPES] = "standard"


class EngineConfig(Section):
    backend: Literal[ENGINES] = "embedded"  # engine for new voices
    xtts_model_dir: Path | None = None  # a local XTTS-v2 folder (config.json, model.pth, vocab.json)
    xtts_model_name: str = "tts_models/multilingual/multi-dataset/xtts_v2"  # else fetched by coqui
    xtts_accept_licence: bool = False  # the operator accepts the CPML (or COQUI_TOS_AGREED=1)
    asr_model: str | None = None  # faster-whisper model (local folder or cached name), extra "asr"
    device: Literal["auto", "cpu", "cuda"] = "auto"
    # Jobs at once per worker: 1 on a GPU (one model, one card); CPU-only engines may run more.
    concurrency: int = Field(1, ge=1, le=16)
    # Speech jobs served at once besides: they take turns on the engine sentence by sentence, so
    # eight listeners all hear their first sentence without one waiting for another to finish.
    streams: int = Field(8, ge=0, le=64)
    lease_s: float = Field(30.0, ge=2, le=MAX_LEASE_S)
    max_tries: int = Field(3, ge=1, le=10)
    max_queued_per_user: int = Field(20, ge=1, le=1000)
    # the job queue's implementation (bot/app.py builds it): auto = the database's own
    queue: Literal[("auto", *QUEUES)] = "auto"
    # ``voicebot worker`` lowers its CPU priority by this much: on a machine it shares with the bots,
    # a command's reply does not wait behind the engine (0 on a host of its own changes nothing).
    nice: int = Field(10, ge=0, le=19)


class QuotasConfig(Section):
    """Per user, over the last 24 hours; 0 = no limit."""

    trainings_per_day: int = Field(0, ge=0, le=10000)
    speech_minutes_per_day: float = Field(0, ge=0, le=100000)
    cooldown_s: float = Field(0, ge=0, le=3600)  # between two speech requests of one person


class PlatformConfig(Section):
    enabled: bool = False
    token_env: str
    notices_every_s: float = Field(30.0, ge=0.05, le=3600)  # how often queued reminders and alerts go

    def token(self) -> SecretStr | None:
        value = os.environ.get(self.token_env)
        return SecretStr(value) if value else None


class TelegramConfig(PlatformConfig):
    token_env: str = "VOICEBOT_TELEGRAM_TOKEN"
    api_url: str | None = None  # a local Bot API server (lifts the 20 MB download limit)
    download_limit_mb: int = Field(20, ge=1, le=2000)  # raise only with a local server
    progress_edit_s: float = Field(3.0, ge=0.1, le=60)  # at most one progress edit this often
    # Webhook mode (instead of long polling): Telegram posts updates to webhook_url, which a reverse
    # proxy with TLS forwards to webhook_listen:webhook_port; the secret checks they come from Telegram.
    webhook_url: str | None = Field(None, pattern=r"^https?://[^/\s]+(/\S*)?$")
    webhook_listen: str = "127.0.0.1"
    webhook_port: int = Field(8443, ge=1, le=65535)
    webhook_secret_env: str = "VOICEBOT_TELEGRAM_WEBHOOK_SECRET"

    def webhook_secret(self) -> SecretStr | None:
        value = os.environ.get(self.webhook_secret_env)
        return SecretStr(value) if value else None


class DiscordConfig(PlatformConfig):
    token_env: str = "VOICEBOT_DISCORD_TOKEN"
    download_limit_mb: int = Field(25, ge=1, le=500)  # a sample's size; a server's own limit may be lower
    upload_limit_mb: int = Field(10, ge=1, le=500)  # what a result may be (Discord's default is 10 MiB)
    progress_edit_s: float = Field(3.0, ge=0.1, le=60)  # at most one progress edit this often
    idle_leave_s: float = Field(300.0, ge=1, le=86400)  # a voice channel is left after this long silent


class ConsentConfig(Section):
    # "voice": the speaker reads a challenge (a code) and every sample must be the same speaker;
    # "text": accepting the statement is enough.
    policy: Literal["voice", "text"] = "voice"
    speaker_threshold: float = Field(0.78, ge=0, le=1)  # calibrated: docs/audio-analysis.md


class ProvenanceConfig(Section):
    # Perth's imperceptible watermark on every generated file (metadata marking is always written)
    watermark: bool = True


class HttpConfig(Section):
    """The HTTP API, served by ``voicebot run`` beside the bots (keys: ``voicebot apikey``)."""

    enabled: bool = False
    host: str = "127.0.0.1"
    port: int = Field(8080, ge=1, le=65535)
    max_body_mb: float = Field(50, gt=0, le=2000)
    link_ttl_s: int = Field(86400, ge=60)  # how long an audioUrl we hand out works (never past retention)
    requests_per_minute: int = Field(120, ge=0)  # per key; 0 = no limit
    # audioUrl samples: fetched only when on, only from these hosts ("example.org", "*.example.org"),
    # never from private, loopback or link-local addresses unless fetch_private
    fetch_urls: bool = False
    fetch_hosts: list[str] = []
    fetch_private: bool = False
    fetch_max_mb: float = Field(20, gt=0, le=500)
    fetch_timeout_s: float = Field(20, gt=0, le=600)


class LoggingConfig(Section):
    level: Literal["DEBUG", "INFO", "WARNING", "ERROR"] = "INFO"


class Config(Section):
    storage: StorageConfig = StorageConfig()
    audio: AudioConfig = AudioConfig()
    analysis: AnalysisConfig = AnalysisConfig()
    voices: VoicesConfig = VoicesConfig()
    engine: EngineConfig = EngineConfig()
    quotas: QuotasConfig = QuotasConfig()
    telegram: TelegramConfig = TelegramConfig()
    discord: DiscordConfig = DiscordConfig()
    consent: ConsentConfig = ConsentConfig()
    http: HttpConfig = HttpConfig()
    provenance: ProvenanceConfig = ProvenanceConfig()
    logging: LoggingConfig = LoggingConfig()

    @property
    def data_dir(self) -> Path:
        return self.storage.data_dir.expanduser()

    @property
    def queue(self) -> str:
        """The job queue: the database's own (``[engine] queue`` may only name that one)."""
        return "postgresql" if self.storage.database else "sqlite"

    @model_validator(mode="after")
    def _queue_fits_the_database(self) -> Config:
        own = self.queue
        if self.engine.queue not in ("auto", own):
            raise ValueError(
                f"[engine] queue = {self.engine.queue!r} needs its own database; this one is {own}"
            )
        return self

    def problems(self) -> list[str]:
        """Things that will stop a component from starting (for ``voicebot doctor``)."""
        found = []
        for name, section in (("telegram", self.telegram), ("discord", self.discord)):
            if section.enabled and section.token() is None:
                found.append(f"[{name}] is enabled but ${section.token_env} is not set")
        telegram = self.telegram
        if telegram.enabled and telegram.webhook_url:
            secret = telegram.webhook_secret()
            if secret is None or not re.fullmatch(r"[A-Za-z0-9_-]{1,256}", secret.get_secret_value()):
                found.append(
                    f"[telegram] webhook_url is set but ${telegram.webhook_secret_env} is not"
                    " 1-256 characters of A-Z, a-z, 0-9, _ and -"
                )
        return found


def redacted(url: str) -> str:
    """A database URL without its password (never printed or logged)."""
    return re.sub(r"(://[^:/@]+):[^@]*@", r"\1@", url)


class ConfigError(Exception):
    """The configuration file is missing, unreadable or invalid; the message says where."""


_SECRET_KEYS = {"token", "bot_token", "api_token", "secret"}


def load_config(
    path: Path | None = None, data_dir: Path | None = None, database: str | None = None
) -> Config:
    """Read ``path`` (or ``$VOICEBOT_CONFIG``; defaults when neither), then apply the data-dir and
    database overrides (arguments, else ``$VOICEBOT_DATA_DIR`` / ``$VOICEBOT_DATABASE``)."""
    raw: dict = {}
    env_path = os.environ.get(CONFIG_ENV)
    path = path or (Path(env_path) if env_path else None)
    if path is not None:
        try:
            raw = tomllib.loads(path.expanduser().read_text(encoding="utf-8"))
        except FileNotFoundError:
            raise ConfigError(f"config file {path} not found") from None
        except tomllib.TOMLDecodeError as exc:
            raise ConfigError(f"config file {path} is not valid TOML: {exc}") from None
    for section, values in raw.items():
        if isinstance(values, dict) and _SECRET_KEYS & set(values):
            raise ConfigError(
                f"[{section}] holds a secret; put tokens in the environment variable named by token_env"
            )
    data_dir = data_dir or (Path(os.environ[DATA_DIR_ENV]) if os.environ.get(DATA_DIR_ENV) else None)
    if data_dir is not None:
        raw.setdefault("storage", {})["data_dir"] = str(data_dir)
    if database := database or os.environ.get(DATABASE_ENV):
        raw.setdefault("storage", {})["database"] = database
    try:
        return Config.model_validate(raw)
    except ValidationError as exc:
        lines = [f"{'.'.join(str(p) for p in err['loc'])}: {err['msg']}" for err in exc.errors()]
        raise ConfigError("invalid configuration:\n  " + "\n  ".join(lines)) from None
