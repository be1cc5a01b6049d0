"""Turn CLI arguments (and an optional contract-shaped JSON manifest) into a validated request."""

from __future__ import annotations

import argparse
import json
from dataclasses import dataclass
from pathlib import Path

from pydantic import ValidationError

from bot.config import Config
from bot.contract import LocalSample, Manifest, TrainingOptions, first_error
from engine.audio.ingest import CleaningOptions
from engine.audio.language import LANGUAGES
from engine.audio.tiers import VOICE_TYPES


class RequestError(Exception):
    """A request the user can fix (bad option, missing file); printed as ``invalid_request``."""


@dataclass(frozen=True, slots=True)
class SampleRef:
    path: Path
    transcript: str | None = None
    language: str | None = None
    emotion: str | None = None


@dataclass(frozen=True, slots=True)
class AnalysisRequest:
    samples: list[SampleRef]
    language: str
    voice_type: str | None
    options: CleaningOptions
    threshold: float


def _manifest(path: Path) -> Manifest:
    """The manifest, checked by the same models as the HTTP API's create request."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise RequestError(f"manifest {path} not found") from None
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise RequestError(f"manifest {path} is not valid JSON: {exc}") from None
    try:
        return Manifest.model_validate(data)
    except ValidationError as exc:
        raise RequestError(f"manifest {path}: {first_error(exc)}") from None


def _sample(entry: LocalSample, base: Path) -> SampleRef:
    location = entry.path or entry.audioUrl
    if not location:
        raise RequestError("each audioSamples entry needs a local 'path' (or 'audioUrl')")
    if "://" in location:
        raise RequestError(f"{location}: only local files are read; download it first")
    return SampleRef((base / location).expanduser(), entry.transcript, entry.language, entry.emotion)


def analysis_request(args: argparse.Namespace, config: Config) -> AnalysisRequest:
    data = _manifest(args.manifest) if args.manifest else Manifest()
    base = args.manifest.parent if args.manifest else Path.cwd()
    samples = [_sample(entry, base) for entry in data.audioSamples]
    samples += [SampleRef(path) for path in args.files]
    if not samples:
        raise RequestError("give at least one audio file (or a --manifest with audioSamples)")
    for ref in samples:
        if not ref.path.is_file():
            raise RequestError(f"{ref.path}: no such file")
    language = args.language or data.language or config.voices.default_language
    if language not in LANGUAGES:
        raise RequestError(f"language must be one of {' '.join(LANGUAGES)}")
    voice_type = args.voice_type or data.voiceType
    if voice_type is not None and voice_type not in VOICE_TYPES:
        raise RequestError(f"voiceType must be one of {', '.join(VOICE_TYPES)}")
    given = (data.trainingOptions or TrainingOptions()).model_dump(exclude_none=True)

    def option(flag: bool | None, key: str, default: bool) -> bool:
        value = flag if flag is not None else given.get(key, default)
        if not isinstance(value, bool):
            raise RequestError(f"trainingOptions.{key} must be true or false")
        return value

    threshold = args.speaker_consistency
    if threshold is None:
        threshold = given.get("speakerConsistency", config.analysis.speaker_consistency_threshold)
    if not isinstance(threshold, int | float) or not 0 <= threshold <= 1:
        raise RequestError("speakerConsistency must be a number from 0 to 1")
    options = CleaningOptions(
        enhance_quality=option(args.enhance_quality, "enhanceQuality", config.audio.enhance_quality),
        remove_noise=option(args.remove_noise, "removeNoise", config.audio.remove_noise),
        normalize_volume=option(args.normalize_volume, "normalizeVolume", config.audio.normalize_volume),
        loudness_target_lufs=config.audio.loudness_target_lufs,
    )
    return AnalysisRequest(samples, language, voice_type, options, float(threshold))
