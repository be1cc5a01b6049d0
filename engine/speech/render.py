"""Speech options shared by every engine, and the post-processing that applies them.

Speed and pitch use ffmpeg's rubberband filter (time-stretch and pitch-shift with formants kept),
then the audio is resampled and encoded in the same ffmpeg run. Only audio we synthesised passes
through here, never an upload.
"""

from __future__ import annotations

import tempfile
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from engine.audio.ffmpeg import run_ffmpeg
from engine.errors import InvalidRequestError

EMOTIONS = ("neutral", "happy", "sad", "angry", "excited", "calm")
FORMATS = ("mp3", "wav", "flac", "ogg")
SAMPLE_RATES = (22050, 44100, 48000)
ENCODE_TIMEOUT_S = 120.0  # a minute of speech encodes in well under a second: past this it hangs
# Opus runs at 48 kHz only; an OGG at 22 050 / 44 100 Hz is Vorbis so the file really has that rate.
_CODECS = {
    "mp3": ["-c:a", "libmp3lame", "-b:a", "128k", "-f", "mp3"],
    "wav": ["-c:a", "pcm_s16le", "-f", "wav"],
    "flac": ["-c:a", "flac", "-f", "flac"],
    "ogg": ["-c:a", "libvorbis", "-q:a", "5", "-f", "ogg"],
    "opus": ["-c:a", "libopus", "-b:a", "48k", "-application", "voip", "-f", "ogg"],
}


@dataclass(frozen=True, slots=True)
class SpeechOptions:
    """The contract's speak options; building one validates them."""

    speed: float = 1.0
    pitch: float = 0.0
    emotion: str = "neutral"
    output_format: str = "mp3"
    sample_rate: int = 44100

    def __post_init__(self) -> None:
        if not isinstance(self.speed, int | float) or not 0.5 <= self.speed <= 2.0:
            raise InvalidRequestError(f"speed must be from 0.5 to 2.0 (got {self.speed})")
        if not isinstance(self.pitch, int | float) or not -12 <= self.pitch <= 12:
            raise InvalidRequestError(f"pitch must be from -12 to +12 semitones (got {self.pitch})")
        if self.emotion not in EMOTIONS:
            raise InvalidRequestError(f"emotion must be one of {', '.join(EMOTIONS)} (got {self.emotion!r})")
        if self.output_format not in FORMATS:
            raise InvalidRequestError(
                f"outputFormat must be one of {', '.join(FORMATS)} (got {self.output_format!r})"
            )
        if self.sample_rate not in SAMPLE_RATES:
            raise InvalidRequestError(
                f"sampleRate must be one of {', '.join(map(str, SAMPLE_RATES))} (got {self.sample_rate})"
            )

    @property
    def codec(self) -> str:
        """What the file really holds: Opus for OGG at 48 kHz, else the format's own codec."""
        return "opus" if self.output_format == "ogg" and self.sample_rate == 48000 else self.output_format


def _filters(speed: float, pitch: float, rate: int) -> list[str]:
    chain = []
    if speed != 1.0 or pitch != 0.0:
        chain.append(f"rubberband=tempo={speed:.4f}:pitch={2 ** (pitch / 12):.6f}:formant=preserved")
    chain.append(f"aresample={rate}:resampler=soxr")
    return ["-af", ",".join(chain)]


def _run(
    audio: np.ndarray,
    rate: int,
    speed: float,
    pitch: float,
    out_rate: int,
    codec: list[str],
    tags: dict[str, str] | None = None,
) -> bytes:
    if audio.size == 0:
        raise InvalidRequestError("there was nothing to say")
    with tempfile.TemporaryDirectory(prefix="voicebot-render-") as folder:
        raw = Path(folder) / "in.f32"
        raw.write_bytes(np.asarray(audio, dtype="<f4").tobytes())
        result = run_ffmpeg(
            [
                "-v",
                "error",
                "-f",
                "f32le",
                "-ar",
                str(rate),
                "-ac",
                "1",
                "-i",
                str(raw),
                *_filters(speed, pitch, out_rate),
                *[arg for key, value in (tags or {}).items() for arg in ("-metadata", f"{key}={value}")],
                *codec,
                "pipe:1",
            ],
            timeout_s=ENCODE_TIMEOUT_S,
        )
    if result.returncode != 0 or not result.stdout:
        raise RuntimeError(f"encoding failed: {result.stderr.decode(errors='replace')[-300:]}")
    return result.stdout


def render(
    audio: np.ndarray,
    rate: int,
    options: SpeechOptions,
    speed_done: bool = False,
    tags: dict[str, str] | None = None,
) -> bytes:
    """Apply speed (unless the engine already did: ``speed_done``) and pitch, resample to
    ``options.sample_rate``, encode to ``options.output_format`` with ``tags`` as its metadata
    (``engine.speech.provenance``)."""
    speed = 1.0 if speed_done else options.speed
    return _run(audio, rate, speed, options.pitch, options.sample_rate, _CODECS[options.codec], tags)


def adjust(audio: np.ndarray, rate: int, speed: float = 1.0, pitch: float = 0.0) -> np.ndarray:
    """Speed and pitch only, back as float32 at ``rate`` (for chunks that are streamed, not encoded)."""
    if speed == 1.0 and pitch == 0.0:
        return audio
    return np.frombuffer(_run(audio, rate, speed, pitch, rate, ["-f", "f32le"]), dtype="<f4").copy()
