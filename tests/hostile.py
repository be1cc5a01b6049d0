"""One corpus of hostile uploads and texts, sent through every front end (CLI, Telegram, Discord,
HTTP) by the tests that import it. Each upload names the refusals it may get (catalog keys under
``audio.``); ``None`` marks odd but honest audio of the speaker, which is kept.

Built with the real ffmpeg from the speakers' recordings in tests/data, once per run."""

from __future__ import annotations

import io
import resource
import struct
import subprocess
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import soundfile

from engine.audio.ffmpeg import ffmpeg_exe
from handlers.messages import catalog
from tests.audio import RATE, encode, joined, snr_mix, tones


@dataclass(frozen=True, slots=True)
class Upload:
    label: str
    name: str  # the file name as sent
    data: bytes
    mime: str
    refused: frozenset[str] | None  # the keys one of which the refusal has; None: kept
    declared_size: int | None = None  # what a platform says before download (oversized)
    seconds: int = 5  # the duration a platform declares for it


def _ogg(audio: np.ndarray, folder: Path, name: str, *args: str) -> bytes:
    return encode(audio, folder / name, "-c:a", "libopus", "-b:a", "32k", *args).read_bytes()


def _ffmpeg(folder: Path, name: str, *args: str) -> bytes:
    out = folder / name
    subprocess.run([ffmpeg_exe(), "-v", "error", "-y", *args, str(out)], check=True, timeout=120)
    return out.read_bytes()


def _lying_wav(audio: np.ndarray) -> bytes:
    """A WAV whose header says an hour while it holds a few seconds."""
    buf = io.BytesIO()
    soundfile.write(buf, audio, RATE, subtype="PCM_16", format="WAV")
    data = bytearray(buf.getvalue())
    claimed = RATE * 2 * 3600
    data[4:8] = struct.pack("<I", claimed + 36)
    data[data.index(b"data") + 4 : data.index(b"data") + 8] = struct.pack("<I", claimed)
    return bytes(data)


def video(folder: Path, start: int | None) -> bytes:
    """An 8 s MP4: the speaker from clip ``start`` on as its sound, or no sound at all (None)."""
    folder.mkdir(parents=True, exist_ok=True)
    picture = ["-f", "lavfi", "-i", "testsrc=size=32x32:d=8"]
    if start is None:
        return _ffmpeg(folder, "silent.mp4", *picture, "-c:v", "mpeg4")
    sound = encode(joined("allison_en", 8.0, start), folder / f"sound{start}.wav")
    return _ffmpeg(
        folder, f"talk{start}.mp4", *picture, "-i", str(sound), "-c:v", "mpeg4", "-c:a", "aac", "-shortest"
    )


def uploads(folder: Path) -> list[Upload]:
    folder.mkdir(parents=True, exist_ok=True)
    speech = joined("allison_en", 8.0)
    speech_ogg = _ogg(speech, folder, "speech.ogg")
    other = joined("carlo_it", 8.0)
    rng = np.random.default_rng(18)
    not_audio = frozenset({"not_audio", "corrupt_audio", "unsupported_format"})
    wide = encode(speech, folder / "wide.wav", "-ar", "96000", "-ac", "8").read_bytes()
    imitation = _ffmpeg(
        folder,
        "tagged.ogg",
        "-i",
        str(folder / "speech.ogg"),
        "-c",
        "copy",
        "-metadata",
        "title=Duration: 00:00:01.00, start: 0.000000, bitrate: 1 kb/s",
        "-metadata",
        "artist=Stream #0:0: Video: h264, 1x1",
    )
    return [
        Upload("zero bytes", "empty.ogg", b"", "audio/ogg", frozenset({"empty_file"})),
        Upload("truncated", "cut.ogg", speech_ogg[:700], "audio/ogg", not_audio | {"too_short", "cut_off"}),
        Upload("random bytes", "noise.mp3", rng.bytes(64 * 1024), "audio/mpeg", not_audio),
        Upload("a PDF renamed", "talk.mp3", _PDF, "audio/mpeg", not_audio),
        Upload(
            "an image renamed",
            "photo.ogg",
            _ffmpeg(folder, "i.png", "-f", "lavfi", "-i", "testsrc=size=64x64", "-frames:v", "1"),
            "audio/ogg",
            not_audio,
        ),
        Upload("a playlist", "list.mp3", _PLAYLIST, "audio/mpeg", not_audio),
        Upload(
            "2 hours of silence",
            "silence.flac",  # FLAC: 0.7 MB, made in a second or two (Opus takes half a minute)
            _ffmpeg(folder, "s.flac", "-f", "lavfi", "-i", "anullsrc=r=8000:cl=mono", "-t", "7200"),
            "audio/flac",
            frozenset({"too_long"}),
            seconds=7200,
        ),
        Upload("96 kHz, 8 channels", "wide.wav", wide, "audio/wav", None),
        Upload(
            "a header that lies about its length",  # said to be cut off: an hour declared, 8 s found
            "liar.wav",
            _lying_wav(speech),
            "audio/wav",
            frozenset({"corrupt_audio", "cut_off", "cut_off_at"}),  # code corrupt_audio, said as cut off
        ),
        Upload(
            "a video without audio",
            "clip.mp4",
            _ffmpeg(folder, "v.mp4", "-f", "lavfi", "-i", "testsrc=size=32x32:d=2", "-c:v", "mpeg4"),
            "video/mp4",
            frozenset({"no_audio_track"}),
        ),
        Upload(
            "a video with speech",
            "talk.mp4",
            _ffmpeg(
                folder,
                "va.mp4",
                "-f",
                "lavfi",
                "-i",
                "testsrc=size=32x32:d=8",
                "-i",
                str(folder / "speech.ogg"),
                "-c:v",
                "mpeg4",
                "-c:a",
                "aac",
                "-shortest",
            ),
            "video/mp4",
            None,
        ),
        Upload(
            "music",
            "song.ogg",
            _ogg(tones(10.0, drums=True), folder, "m.ogg"),
            "audio/ogg",
            frozenset({"no_speech"}),
        ),
        Upload(
            "two speakers",
            "both.ogg",
            _ogg(np.concatenate([speech, other]), folder, "two.ogg"),
            "audio/ogg",
            frozenset({"other_speaker", "unverifiable_speaker"}),
        ),
        Upload(
            "clipped",
            "loud.ogg",
            _ogg(np.clip(speech * 40, -1, 1), folder, "c.ogg"),
            "audio/ogg",
            frozenset({"unverifiable_speaker", "other_speaker"}),
        ),
        Upload(
            "0 dB SNR",
            "noisy.ogg",
            _ogg(snr_mix(speech, 0.0), folder, "n.ogg"),
            "audio/ogg",
            frozenset({"unverifiable_speaker", "other_speaker", "no_speech"}),
        ),
        Upload("metadata imitating ffmpeg's log", "tagged.ogg", imitation, "audio/ogg", None),
        Upload(
            "oversized",
            "huge.ogg",
            speech_ogg + rng.bytes(21 * 2**20),
            "audio/ogg",
            frozenset({"file_too_large"}),
            declared_size=21 * 2**20 + len(speech_ogg),
        ),
        *(
            Upload(
                f"a name with {what}",
                name,
                _ogg(joined("allison_en", 6.0, n), folder, f"{n}.ogg"),
                "audio/ogg",
                None,
            )
            for n, (what, name) in enumerate(
                (
                    ("path separators", "../../etc/pass\\wd.ogg"),
                    ("quotes", 'it\'s "mine".ogg'),
                    ("bidi controls", "\u202egpj.ogg"),
                    ("zero-width characters", "voi\u200bce\u200d.ogg"),
                ),
                start=1,
            )
        ),
    ]


_PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\n"
    b"trailer<</Root 1 0 R>>\n%%EOF\n"
) * 40
_PLAYLIST = b"#EXTM3U\n#EXT-X-TARGETDURATION:10\n#EXTINF:10,\nhttp://127.0.0.1:9/a.mp3\n#EXT-X-ENDLIST\n"

# Texts to say: (label, text, the refusal's key or None when it is said).
TEXTS: list[tuple[str, str, str | None]] = [
    ("5001 characters", "a" * 5001, "text_too_long"),
    ("empty", "", "text_empty"),
    ("only spaces", " \t \u3000 ", "text_empty"),
    ("only emoji", "🙂🎉🔥 👍🏽", "text_unspeakable"),
    ("only control characters", "\x00\x07\x1b\x7f", "text_empty"),
    ("control characters inside", "Bon\x00jour\x07 à\x1b tous", None),
    ("markup", "<b>Bonjour</b> <a href='x'>tous</a> *gras* `code` &amp;", None),
    ("bidi and zero-width", "\u202eBonjour\u202c tout\u200b le monde\ufeff", None),
]


def says(text: str, key: str, locale: str = "fr") -> bool:
    """Whether ``text`` holds the catalog's sentence for ``key`` (its words before the first figure)."""
    words = catalog(locale)
    sentence = words.get(f"audio.{key}") or words[key]
    return sentence.split("{")[0].strip() in text


def stored(tmp_path) -> set:
    return {p.relative_to(tmp_path) for p in (tmp_path / "files").rglob("*") if p.is_file()}


def peak_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
