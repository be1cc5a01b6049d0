"""Test helpers: the bundled real speech, and files of every kind made with the bundled ffmpeg."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import numpy as np

from engine.audio.decode import Limits, decode_file
from engine.audio.ffmpeg import ffmpeg_exe

VOICES = Path(__file__).parent / "data" / "voices"
DIGITS = Path(__file__).parent / "data" / "digits" / "allison_en"
RATE = 24000
# What some of Allison's prompts say (approximately; fine-tuning needs text, not a perfect match).
TRANSCRIPTS = {
    "agent-pass.ogg": "Please enter your password followed by the pound key.",
    "confbridge-only-participant.ogg": "You are currently the only person in this conference.",
    "confbridge-pin.ogg": "Please enter the conference pin number followed by the pound key.",
    "vm-tmpexists.ogg": "You have a temporary greeting.",
}


def clips(speaker: str) -> list[Path]:
    return sorted((VOICES / speaker).glob("*.ogg"))


def load(path: Path, rate: int = RATE) -> np.ndarray:
    return decode_file(path, rate, Limits()).samples


def encode(audio: np.ndarray, path: Path, *args: str, rate: int = RATE) -> Path:
    """Write mono float audio to ``path`` through ffmpeg (format from the suffix, extra ``args``)."""
    subprocess.run(
        [
            ffmpeg_exe(),
            "-v",
            "error",
            "-y",
            "-f",
            "f32le",
            "-ar",
            str(rate),
            "-ac",
            "1",
            "-i",
            "pipe:0",
            *args,
            str(path),
        ],
        input=np.asarray(audio, dtype="<f4").tobytes(),
        check=True,
        timeout=60,
    )
    return path


def joined(speaker: str, seconds: float, start: int = 0) -> np.ndarray:
    """Consecutive clips of one speaker joined with short pauses until ``seconds`` long."""
    pause = np.zeros(int(0.3 * RATE), dtype=np.float32)
    parts: list[np.ndarray] = []
    for path in clips(speaker)[start:] + clips(speaker)[:start]:
        parts += [load(path), pause]
        if sum(len(p) for p in parts) >= seconds * RATE:
            break
    return np.concatenate(parts)


def tones(seconds: float, rate: int = RATE, drums: bool = False) -> np.ndarray:
    """Music-like audio, no voice: plucked harmonic chords on a beat; with ``drums``, also a bass
    line, kick and hi-hat."""
    t = np.arange(int(seconds * rate)) / rate
    out = np.zeros_like(t)
    rng = np.random.default_rng(5)
    for i, root in enumerate([220.0, 261.6, 329.6, 392.0] * int(seconds)):
        start, end = int(i * 0.25 * rate), int((i + 1) * 0.25 * rate)
        if start >= len(t):
            break
        seg = t[start:end] - t[start]
        for ratio in (1.0, 1.25, 1.5, 2.0):
            out[start:end] += np.sin(2 * np.pi * root * ratio * seg) * np.exp(-3 * seg)
        if drums:
            out[start:end] += 0.8 * np.sin(2 * np.pi * root / 4 * seg)  # bass
            if i % 2 == 0:  # kick: falling sine
                out[start:end] += (
                    2 * np.sin(2 * np.pi * (60 + 90 * np.exp(-30 * seg)) * seg) * np.exp(-12 * seg)
                )
            hat = min(end - start, int(0.03 * rate))
            out[start : start + hat] += (
                0.5 * rng.standard_normal(hat) * np.exp(-np.arange(hat) / (0.008 * rate))
            )
    return (0.2 * out / np.max(np.abs(out))).astype(np.float32)


def snr_mix(speech: np.ndarray, noise_db: float, seed: int = 0) -> np.ndarray:
    """Speech plus white noise ``noise_db`` below the speech's RMS."""
    rng = np.random.default_rng(seed)
    rms = np.sqrt(np.mean(speech**2))
    noise = rng.standard_normal(len(speech)).astype(np.float32) * rms * 10 ** (-noise_db / 20)
    return (speech + noise).astype(np.float32)


def code_in(text: str) -> str:
    """The six digits of a consent challenge shown in ``text``."""
    found = re.search(r"(\d(?: \d){5})", text)
    assert found, text
    return found.group(1).replace(" ", "")


def reading(code: str, folder: Path, name: str = "consent") -> Path:
    """Allison reading ``code`` digit by digit, then two of her prompts (not our statement: the
    recogniser checks the code, the statement after it is optional), as an Opus voice note."""
    pause = np.zeros(int(0.3 * RATE), np.float32)
    parts = [np.zeros(int(0.5 * RATE), np.float32)]
    for digit in code:
        parts += [load(DIGITS / f"{digit}.ogg"), pause]
    parts += [load(clips("allison_en")[i]) for i in (3, 5)]
    return encode(np.concatenate(parts), folder / f"{name}_{code}.ogg", "-c:a", "libopus", "-b:a", "32k")
