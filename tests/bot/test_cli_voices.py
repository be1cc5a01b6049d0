"""Clone and speak from the terminal: the real console script, real samples, real files."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

from engine.audio.decode import Limits, decode_file
from tests.audio import clips, code_in, reading
from tests.bot.test_cli import run


def _json(result) -> dict:
    assert result.stdout, result.stderr
    return json.loads(result.stdout)


def _challenge(data: Path, folder: Path, wrong: bool = False) -> list[str]:
    """``voicebot consent challenge``, read aloud by Allison (``wrong``: every digit one off): the
    arguments that pass it on."""
    challenge = _json(run("--data-dir", str(data), "consent", "challenge", "--language", "en"))
    assert challenge["wordsChecked"] is True and challenge["challengeId"].startswith("chl_")
    code = code_in(challenge["sentence"])
    if wrong:
        code = "".join(str((int(d) + 1) % 10) for d in code)
    recording = reading(code, folder)
    return ["--challenge", challenge["challengeId"], "--consent-recording", str(recording)]


def test_create_speak_list_delete(tmp_path):
    data = tmp_path / "data"
    files = [str(p) for p in clips("allison_en")]
    created = _json(
        run(
            "--data-dir",
            str(data),
            "voice",
            "create",
            "--wait",
            "--name",
            "Allison",
            "--type",
            "instant",
            "--consent",
            "I am the speaker and I agree.",
            *_challenge(data, tmp_path),
            *files,
        )
    )
    assert created["status"] == "completed" and created["voiceId"].startswith("voice_")
    assert set(created["audioAnalysis"]) == {
        "totalDuration",
        "audioQuality",
        "speakerConsistency",
        "languageDetected",
    }
    assert created["trainingProgress"]["percentComplete"] == 100.0
    voice_id = created["voiceId"]

    out = tmp_path / "hello.flac"
    spoken = _json(
        run(
            "--data-dir",
            str(data),
            "speak",
            voice_id,
            "Hello, this is my voice. I have 3 cats.",
            "--format",
            "flac",
            "--sample-rate",
            "22050",
            "--emotion",
            "happy",
            "-o",
            str(out),
        )
    )
    assert spoken["format"] == "flac" and spoken["sampleRate"] == 22050 and spoken["voiceId"] == voice_id
    decoded = decode_file(out, 22050, Limits())
    assert decoded.probe.codec == "flac" and decoded.probe.source_rate == 22050
    assert abs(decoded.duration - spoken["duration"]) < 0.3 and spoken["duration"] > 1.5

    texts = tmp_path / "lines.txt"
    texts.write_text("First line to say.\n\nSecond line, a bit longer than the first.\n", encoding="utf-8")
    batch = _json(
        run(
            "--data-dir",
            str(data),
            "batch",
            voice_id,
            str(texts),
            "-o",
            str(tmp_path / "out"),
            "--format",
            "wav",
            "--sample-rate",
            "44100",
        )
    )
    assert batch["count"] == 2 and [i["filename"] for i in batch["items"]] == [
        "speech_001.wav",
        "speech_002.wav",
    ]
    with zipfile.ZipFile(batch["zip"]) as archive:
        assert archive.namelist() == ["speech_001.wav", "speech_002.wav"]
    second = decode_file(Path(batch["items"][1]["output"]), 44100, Limits())
    assert second.probe.codec == "pcm_s16le" and second.probe.source_rate == 44100

    receipts = _json(run("--data-dir", str(data), "usage"))["receipts"]
    assert len(receipts) == 3 and {r["platform"] for r in receipts} == {"cli"}  # one speak, a batch of two
    assert all(r["voiceId"] == voice_id and "excerpt" not in r for r in receipts)

    listed = _json(run("--data-dir", str(data), "voice", "list"))["voices"]
    assert [(v["voiceId"], v["status"], v["audioQuality"]) for v in listed] == [
        (voice_id, "completed", "good")
    ]
    assert _json(run("--data-dir", str(data), "voice", "status", voice_id))["status"] == "completed"
    renewed = _json(run("--data-dir", str(data), "voice", "renew", voice_id))
    assert renewed["voiceId"] == voice_id and renewed["expiresAt"] >= listed[0]["expiresAt"]
    assert _json(run("--data-dir", str(data), "voice", "renew", "voice_nope"))["error"]["code"] == "not_found"

    assert _json(run("--data-dir", str(data), "voice", "delete", voice_id))["deleted"] is True
    assert not Path(spoken["path"]).exists()  # speech made with the voice goes with it
    assert not any((data / "files" / "samples").rglob("*.flac"))
    assert not any((data / "files" / "voices").rglob("*.*"))
    gone = _json(run("--data-dir", str(data), "speak", voice_id, "Hello again."))
    assert gone["error"]["code"] == "not_found"


def test_refusals_leave_nothing(tmp_path):
    data = tmp_path / "data"
    files = [str(p) for p in clips("allison_en")[:3]]  # ~10 s: too little for standard
    no_consent = run("--data-dir", str(data), "voice", "create", "--name", "x", "--type", "instant", *files)
    assert no_consent.returncode == 2 and _json(no_consent)["error"]["code"] == "consent_required"
    statement_only = run(
        "--data-dir", str(data), "voice", "create", "--name", "x", "--consent", "I agree.", *files
    )  # fmt: skip
    error = _json(statement_only)["error"]
    assert error["code"] == "consent_required" and "challenge" in error["message"]
    wrong = _challenge(data, tmp_path, wrong=True)
    misread = run(
        "--data-dir", str(data), "voice", "create", "--name", "x", "--consent", "ok", *wrong, *files
    )
    assert _json(misread)["error"]["code"] == "consent_wrong_code"
    too_little = run(
        "--data-dir",
        str(data),
        "voice",
        "create",
        "--wait",
        "--name",
        "x",
        "--type",
        "standard",
        "--consent",
        "I agree.",
        *_challenge(data, tmp_path),
        *files,
    )
    error = _json(too_little)["error"]
    assert (
        error["code"] == "not_enough_audio"
        and "standard voice needs at least 60 s of speech" in error["message"]
    )
    assert _json(run("--data-dir", str(data), "voice", "list")) == {"voices": []}
    assert not [p for p in (data / "files").rglob("*") if p.is_file()]  # uploads and reading gone too
    bad = run("--data-dir", str(data), "speak", "voice_x", "hi", "--speed", "3")
    assert _json(bad)["error"]["code"] == "invalid_request" and "speed must be from 0.5 to 2.0" in bad.stdout
