"""The contract's request bodies (field names as the reference spells them)."""

from __future__ import annotations

import base64
import binascii
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from engine.audio.language import LANGUAGES
from engine.audio.tiers import VOICE_TYPES
from engine.speech.render import EMOTIONS, FORMATS, SAMPLE_RATES


class Body(BaseModel):
    model_config = ConfigDict(extra="forbid")


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
