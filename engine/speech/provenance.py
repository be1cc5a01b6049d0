"""The machine-readable marking every generated file carries (EU AI Act Art. 50(2)): tags in the
container's own metadata — ID3 for MP3, Vorbis comments for OGG (Opus or Vorbis) and FLAC, the INFO
chunk's comment for WAV — naming it AI-generated, with the IPTC digital source type and the
generation and voice ids; and the fingerprint kept with the receipt.

Metadata survives copying the file, not re-encoding it (a chat app that converts it drops it); the
imperceptible watermark that would is a later step (issue 15).
"""

from __future__ import annotations

import hashlib
from pathlib import Path

import av

MARK = "AI-generated speech (voicebot)"
SOURCE_TYPE = "http://cv.iptc.org/newscodes/digitalsourcetype/trainedAlgorithmicMedia"


def tags(generation_id: str, voice_id: str) -> dict[str, str]:
    return {
        # WAV keeps only a few INFO fields: the comment says it all there.
        "comment": f"{MARK}; generation={generation_id}; voice={voice_id}",
        "ai_generated": "true",
        "digital_source_type": SOURCE_TYPE,
        "voicebot_generation": generation_id,
        "voicebot_voice": voice_id,
    }


def fingerprint(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def fingerprint_file(path: Path) -> str:
    """``fingerprint`` of a file's bytes, read a MiB at a time."""
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while block := handle.read(2**20):
            digest.update(block)
    return digest.hexdigest()


def read(path: Path) -> dict[str, str]:
    """The marking in a file's metadata (container and stream tags), as ``tags`` wrote it; {} if
    there is none or the file cannot be read."""
    try:
        with av.open(str(path), metadata_errors="ignore") as container:
            found = {k.lower(): v for k, v in container.metadata.items()}
            for stream in container.streams:
                found |= {k.lower(): v for k, v in stream.metadata.items()}
    except (av.FFmpegError, OSError, UnicodeDecodeError):
        return {}
    comment = found.get("comment", "")
    if MARK in comment:  # WAV keeps only this: the ids are in it
        named = dict(part.split("=", 1) for part in comment.split("; ")[1:] if "=" in part)
        found.setdefault("voicebot_generation", named.get("generation", ""))
        found.setdefault("voicebot_voice", named.get("voice", ""))
    if not found.get("voicebot_generation"):
        return {}
    return tags(found["voicebot_generation"], found.get("voicebot_voice", ""))
