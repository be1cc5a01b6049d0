"""The hardened decoder accepts every common format and refuses bad uploads with a typed error."""

from __future__ import annotations

import socket
import subprocess
import threading

import numpy as np
import pytest

from engine import errors
from engine.audio.decode import Limits, decode_bytes, decode_file
from engine.audio.ffmpeg import ffmpeg_exe
from tests.audio import RATE, clips, encode, load

FORMATS = {
    "ogg": ("-c:a", "libopus"),  # a Telegram voice note / Discord voice message
    "mp3": ("-c:a", "libmp3lame"),
    "wav": (),
    "flac": (),
    "m4a": ("-c:a", "aac"),
    "webm": ("-c:a", "libopus"),
}


@pytest.fixture(scope="module")
def speech() -> np.ndarray:
    return load(clips("allison_en")[14])


@pytest.mark.parametrize("fmt", sorted(FORMATS))
def test_every_common_format_decodes(tmp_path, speech, fmt):
    path = encode(speech, tmp_path / f"clip.{fmt}", *FORMATS[fmt])
    decoded = decode_bytes(path.read_bytes(), RATE, Limits())
    assert decoded.rate == RATE and decoded.samples.dtype == np.float32
    assert abs(decoded.duration - len(speech) / RATE) < 0.1
    # Same audio came out: correlate with the source (codec delay tolerated).
    n = min(len(speech), len(decoded.samples))
    corr = np.correlate(decoded.samples[:n], speech[:n], mode="full")
    assert corr.max() / (np.linalg.norm(speech[:n]) * np.linalg.norm(decoded.samples[:n])) > 0.8


def _refused(data: bytes, error: type[errors.AudioError], limits: Limits | None = None) -> errors.AudioError:
    with pytest.raises(error) as caught:
        decode_bytes(data, RATE, limits or Limits())
    assert caught.value.message and caught.value.code == error.code
    return caught.value


def test_empty_file():
    _refused(b"", errors.EmptyFileError)


@pytest.mark.parametrize("fmt", ["ogg", "wav", "mp3", "flac", "m4a", "webm"])
def test_truncated_file(tmp_path, speech, fmt):
    data = encode(speech, tmp_path / f"clip.{fmt}", *FORMATS[fmt]).read_bytes()
    err = _refused(data[: len(data) // 2], errors.CorruptAudioError)
    assert "cut off" in err.message


def test_corrupt_audio(tmp_path, speech):
    data = bytearray(encode(speech, tmp_path / "clip.flac").read_bytes())
    rng = np.random.default_rng(1)
    data[200:] = rng.integers(0, 256, len(data) - 200, dtype=np.uint8).tobytes()
    _refused(bytes(data), errors.CorruptAudioError)


def test_text_with_audio_extension(tmp_path):
    path = tmp_path / "notes.ogg"
    path.write_text("this is not audio at all\n" * 50)
    with pytest.raises(errors.NotAudioError):
        decode_file(path, RATE, Limits())


def test_image_renamed_to_mp3(tmp_path):
    png = tmp_path / "img.png"

    subprocess.run(
        [ffmpeg_exe(), "-v", "error", "-f", "lavfi", "-i", "testsrc=size=64x64", "-frames:v", "1", str(png)],
        check=True,
        timeout=30,
    )
    _refused(png.read_bytes(), errors.NotAudioError)


def test_video_without_audio(tmp_path):

    video = tmp_path / "v.webm"
    subprocess.run(
        [ffmpeg_exe(), "-v", "error", "-f", "lavfi", "-i", "testsrc=size=32x32:d=1", str(video)],
        check=True,
        timeout=60,
    )
    err = _refused(video.read_bytes(), errors.NoAudioTrackError)
    assert "no audio" in err.message


def test_unaccepted_codec(tmp_path, speech):
    path = encode(speech, tmp_path / "clip.mkv", "-c:a", "mp2")
    _refused(path.read_bytes(), errors.UnsupportedFormatError)


def test_playlist_pointing_at_the_network_is_not_followed():
    """An HLS playlist disguised as .mp3 must not make ffmpeg open a socket."""
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(1)
    server.settimeout(3)
    port = server.getsockname()[1]
    hits: list[bool] = []

    def accept() -> None:
        try:
            server.accept()
            hits.append(True)
        except OSError:
            pass

    thread = threading.Thread(target=accept)
    thread.start()
    playlist = (
        f"#EXTM3U\n#EXT-X-TARGETDURATION:10\n#EXTINF:10,\nhttp://127.0.0.1:{port}/a.mp3\n#EXT-X-ENDLIST\n"
    )
    _refused(playlist.encode(), errors.NotAudioError)
    thread.join(timeout=5)
    server.close()
    assert hits == []


def test_file_over_the_size_cap(speech, tmp_path):
    data = encode(speech, tmp_path / "clip.wav").read_bytes()
    err = _refused(data, errors.FileTooLargeError, Limits(max_bytes=len(data) - 1))
    assert "MiB" in err.message


def test_audio_over_the_duration_cap(tmp_path):
    long = np.zeros(RATE * 12, dtype=np.float32)
    long[::100] = 0.1
    data = encode(long, tmp_path / "long.ogg", "-c:a", "libopus").read_bytes()
    err = _refused(data, errors.TooLongError, Limits(max_seconds=10))
    assert "limit of 10 s" in err.message and "12" not in err.message


def test_header_lying_about_length_is_still_capped(tmp_path):
    """A raw AAC stream has no trustworthy duration; decoding itself stops at the cap."""
    tone = (0.1 * np.sin(np.arange(RATE * 14) * 0.05)).astype(np.float32)
    data = encode(tone, tmp_path / "long.aac", "-c:a", "aac").read_bytes()
    _refused(data, errors.TooLongError, Limits(max_seconds=10))


def test_decoding_is_killed_after_the_timeout(tmp_path, speech):
    data = encode(speech, tmp_path / "clip.flac").read_bytes()
    _refused(data, errors.DecodeTimeoutError, Limits(timeout_s=0.001))


def test_ffmpeg_runs_may_not_write_files(tmp_path):
    from engine.audio.ffmpeg import run_ffmpeg

    target = tmp_path / "out.wav"
    result = run_ffmpeg(["-f", "lavfi", "-i", "sine=d=2", "-y", str(target)], 30)
    assert result.returncode != 0
    assert not target.exists() or target.stat().st_size == 0


def test_a_title_tag_that_looks_like_a_duration_is_not_believed(tmp_path, speech):
    """ffmpeg's log prints tags first; the length comes from the stream, not from text."""
    path = encode(speech, tmp_path / "tagged.m4a", "-c:a", "aac", "-metadata", "title=Duration: 10:00:00.00")
    decoded = decode_file(path, RATE, Limits())
    assert abs(decoded.probe.duration - len(speech) / RATE) < 0.1
    assert abs(decoded.duration - len(speech) / RATE) < 0.1


def test_a_forged_audio_stream_tag_does_not_make_a_video_audio(tmp_path):
    video = tmp_path / "v.mp4"
    subprocess.run(
        [
            *(ffmpeg_exe(), "-v", "error", "-f", "lavfi", "-i", "testsrc=size=32x32:d=1"),
            *("-c:v", "mpeg4", "-metadata", "title=Stream #0:1: Audio: aac, 48000 Hz", str(video)),
        ],
        check=True,
        timeout=60,
    )
    err = _refused(video.read_bytes(), errors.NoAudioTrackError)
    assert "no audio" in err.message


def test_probe_reads_the_header_only(tmp_path, speech):
    from engine.audio.decode import probe_file

    path = encode(speech, tmp_path / "clip.ogg", "-c:a", "libopus")
    probe = probe_file(path, Limits())
    assert (probe.container, probe.codec, probe.source_rate) == ("ogg", "opus", 48000)
    assert abs(probe.duration - len(speech) / RATE) < 0.1
    with pytest.raises(errors.TooLongError) as caught:
        probe_file(path, Limits(max_seconds=1))
    assert caught.value.values == {"limit_s": 1}


def test_a_wav_whose_codec_field_is_garbage_is_refused_plainly(tmp_path, speech):
    """A fmt chunk FFmpeg finds no decoder for (PyAV then gives no decoder context at all): still a
    typed refusal, not an AttributeError."""
    data = bytearray(encode(speech, tmp_path / "clip.wav").read_bytes())
    data[30:38] = b"\xff" * 8  # byte rate, block align, bits per sample
    err = _refused(bytes(data), errors.UnsupportedFormatError)
    assert err.values == {"codec": "unknown"}


@pytest.mark.parametrize("fmt", sorted(FORMATS))
def test_damaged_files_get_a_typed_refusal_or_decode(tmp_path, speech, fmt):
    """Bytes flipped, cut, overwritten in every part of the file: never a raw exception."""
    data = encode(speech, tmp_path / f"clip.{fmt}", *FORMATS[fmt]).read_bytes()
    rng = np.random.default_rng(7)
    for i in range(24):
        damaged = bytearray(data)
        if i % 3 == 0:
            for at in rng.integers(0, len(damaged), 12):
                damaged[at] = int(rng.integers(0, 256))
        elif i % 3 == 1:
            damaged = damaged[: int(rng.integers(1, len(damaged)))]
        else:
            at = int(rng.integers(0, 64))
            damaged[at : at + 8] = b"\xff" * 8
        try:
            decode_bytes(bytes(damaged), RATE, Limits())
        except errors.AudioError as exc:
            assert exc.code and exc.message
