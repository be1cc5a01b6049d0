"""The contract's request bodies (field names as the reference spells them), shared by the HTTP API
and the CLI's ``--manifest`` (which may also name local files: ``LocalSample.path``)."""

from __future__ import annotations

import base64
import binascii
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from engine.audio.language import LANGUAGES
from engine.audio.tiers import VOICE_TYPES
from engine.speech.render import EMOTIONS, FORMATS, SAMPLE_RATES


class Body(BaseModel):
    # strict: "yes" is not a boolean, "1" not a number (an int still is a float)
    model_config = ConfigDict(extra="forbid", strict=True)


def _audio(value: str | None) -> str | None:
    if value is not None:
        try:
            base64.b64decode(value, validate=True)
        except (binascii.Error, ValueError):
            raise ValueError("is not valid base64") from None
    return value


class AudioSample(Body):
    audioBase64: str | None = None
    audioUrl: str | None = Field(None, max_length=2000)
    transcript: str | None = Field(None, max_length=5000)
    language: Literal[LANGUAGES] | None = None
    emotion: Literal[EMOTIONS] | None = None

    _b64 = field_validator("audioBase64")(classmethod(lambda cls, v: _audio(v)))


class LocalSample(AudioSample):
    """A manifest's sample for the CLI: a local file (``path``, or ``audioUrl`` naming one)."""

    path: str | None = None


class TrainingOptions(Body):
    enhanceQuality: bool | None = None
    removeNoise: bool | None = None
    normalizeVolume: bool | None = None
    speakerConsistency: float | None = Field(None, ge=0, le=1)


class ConsentRecording(Body):
    challengeId: str = Field(max_length=64)
    audioBase64: str

    _b64 = field_validator("audioBase64")(classmethod(lambda cls, v: _audio(v)))


class CreateVoice(Body):
    voiceName: str = Field(min_length=1, max_length=64)
    audioSamples: list[AudioSample] = Field(min_length=1, max_length=50)
    language: Literal[LANGUAGES] = "en"
    voiceType: Literal[VOICE_TYPES] = "standard"
    trainingOptions: TrainingOptions | None = None
    multilingualSupport: bool = False
    emotionalRange: bool = False
    consentRecording: ConsentRecording | None = None  # voice-verified consent: the challenge read


class Manifest(Body):
    """``voicebot analyze|voice create --manifest``: the create request, every field optional
    (and fields the CLI takes as options, ``consentRecording``, passed over)."""

    model_config = ConfigDict(extra="ignore", strict=True)

    voiceName: str | None = Field(None, max_length=64)
    audioSamples: list[LocalSample] = Field([], max_length=50)
    language: Literal[LANGUAGES] | None = None
    voiceType: Literal[VOICE_TYPES] | None = None
    trainingOptions: TrainingOptions | None = None
    multilingualSupport: bool = False
    emotionalRange: bool = False


def first_error(exc: ValidationError | list) -> str:
    """The first problem of a request, as ``where: what`` (``audioSamples.0.language: …``)."""
    errors = exc.errors() if isinstance(exc, ValidationError) else exc
    first = errors[0] if errors else {}
    where = ".".join(str(p) for p in first.get("loc", ()) if p != "body")
    return f"{where}: {first.get('msg', 'invalid')}".strip(": ")


class Speak(Body):
    text: str = Field(min_length=1, max_length=5000)
    speed: float = Field(1.0, ge=0.5, le=2.0)
    pitch: float = Field(0.0, ge=-12, le=12)
    emotion: Literal[EMOTIONS] = "neutral"
    outputFormat: Literal[FORMATS] = "mp3"
    sampleRate: Literal[SAMPLE_RATES] = 44100


class BatchText(Body):
    text: str = Field(max_length=5000)
    filename: str | None = Field(None, max_length=200)


class BatchSpeak(Body):
    voiceId: str = Field(max_length=64)
    texts: list[BatchText] = Field(min_length=1, max_length=100)
    speed: float = Field(1.0, ge=0.5, le=2.0)
    pitch: float = Field(0.0, ge=-12, le=12)
    emotion: Literal[EMOTIONS] = "neutral"
    outputFormat: Literal[FORMATS] = "mp3"
    sampleRate: Literal[SAMPLE_RATES] = 44100
