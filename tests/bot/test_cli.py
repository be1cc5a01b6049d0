"""The real ``voicebot`` console script, run as a user would."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from tests.audio import RATE, clips, encode, joined

VOICEBOT = str(Path(sys.executable).parent / "voicebot")


def run(*args: str, env: dict | None = None, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    inherited = {k: v for k, v in os.environ.items() if k not in ("VOICEBOT_CONFIG", "VOICEBOT_DATA_DIR")}
    full_env = {**inherited, **(env or {})}
    return subprocess.run(
        [VOICEBOT, *args], capture_output=True, text=True, timeout=180, env=full_env, cwd=cwd
    )


def test_analyze_prints_contract_json(tmp_path):
    files = [str(p) for p in clips("allison_en")[:4]] + [str(clips("carlo_it")[-1])]
    result = run("--data-dir", str(tmp_path), "analyze", *files, "--voice-type", "instant")
    assert result.returncode == 0, result.stdout + result.stderr
    report = json.loads(result.stdout)
    assert set(report["audioAnalysis"]) == {
        "totalDuration",
        "audioQuality",
        "speakerConsistency",
        "languageDetected",
    }
    assert len(report["samples"]) == 5
    flagged = [
        s["name"] for s in report["samples"] if any(f["code"] == "different_speaker" for f in s["feedback"])
    ]
    assert flagged == [files[-1]]
    assert report["tierCheck"]["voiceType"] == "instant"


def test_analyze_reads_a_contract_shaped_manifest(tmp_path):
    for i, clip in enumerate(clips("carlo_it")[-3:]):
        shutil.copy(clip, tmp_path / f"s{i}.ogg")
    manifest = {
        "voiceName": "Carlo",
        "language": "en",
        "voiceType": "standard",
        "audioSamples": [
            {"audioUrl": "s0.ogg", "transcript": "Buongiorno, come posso aiutarla oggi?", "emotion": "calm"},
            {"audioUrl": "s1.ogg", "transcript": "La sua chiamata è importante per noi."},
            {"path": "s2.ogg", "language": "it"},
        ],
        "trainingOptions": {"removeNoise": True, "speakerConsistency": 0.5},
    }
    (tmp_path / "voice.json").write_text(json.dumps(manifest))
    result = run("analyze", "--manifest", str(tmp_path / "voice.json"))
    assert result.returncode == 0, result.stdout + result.stderr
    report = json.loads(result.stdout)
    assert report["audioAnalysis"]["languageDetected"] == "it"
    assert report["languageSource"] == "transcripts"
    assert report["samples"][0]["emotion"] == "calm"
    assert report["tierCheck"]["ok"] is False
    assert report["tierCheck"]["message"].startswith("standard needs at least 60 s of speech; you have ")


def test_bad_input_exits_nonzero_with_an_error_object(tmp_path):
    silent = encode(np.zeros(RATE * 2, np.float32), tmp_path / "silent.ogg", "-c:a", "libopus")
    fake = tmp_path / "fake.mp3"
    fake.write_text("hello")
    cases = {
        str(silent): "silent",
        str(fake): "not_audio",
        str(tmp_path / "missing.wav"): "invalid_request",
    }
    for path, code in cases.items():
        result = run("analyze", path)
        assert result.returncode != 0
        error = json.loads(result.stdout)["error"]
        assert error["code"] == code and error["message"], error
        assert "Traceback" not in result.stderr


@pytest.mark.parametrize(
    ("failure", "code"),
    [
        (PermissionError(13, "Permission denied", "n.ogg"), "io_error"),
        (RuntimeError("boom"), "internal_error"),
    ],
)
def test_unexpected_failures_become_error_objects(tmp_path, monkeypatch, capsys, failure, code):
    from bot import cli
    from engine import ingest

    note = encode(joined("allison_en", 3), tmp_path / "n.ogg", "-c:a", "libopus")

    class Broken:
        def __init__(self, *args, **kwargs):
            pass

        def from_file(self, *args, **kwargs):
            raise failure

    monkeypatch.setattr(ingest, "Ingestor", Broken)
    assert cli.main(["--data-dir", str(tmp_path), "analyze", str(note)]) == 2
    error = json.loads(capsys.readouterr().out)["error"]
    assert error["code"] == code and "boom" not in error["message"]


def test_invalid_options_are_explained(tmp_path):
    note = encode(joined("allison_en", 3), tmp_path / "n.ogg", "-c:a", "libopus")
    result = run("analyze", str(note), "--speaker-consistency", "1.5")
    assert result.returncode == 2
    assert "speakerConsistency must be a number from 0 to 1" in json.loads(result.stdout)["error"]["message"]
    result = run("analyze", str(note), "--language", "xx")
    assert "language must be one of" in json.loads(result.stdout)["error"]["message"]


def test_doctor_reports_machine_and_config(tmp_path):
    result = run("--data-dir", str(tmp_path / "d"), "doctor", "--json")
    report = json.loads(result.stdout)
    checks = {c["name"]: c for c in report["checks"]}
    assert {"python", "ffmpeg", "torch", "disk", "data directory", "config"} <= set(checks)
    assert checks["ffmpeg"]["ok"] and "ffmpeg version" in checks["ffmpeg"]["detail"]
    assert str(tmp_path / "d") in checks["data directory"]["detail"]
    config = tmp_path / "c.toml"
    config.write_text("[telegram]\nenabled = true\ntoken_env = 'VB_TEST_TOKEN'\n")
    result = run("--config", str(config), "doctor", env={"VB_TEST_TOKEN": ""})
    assert result.returncode == 1
    assert "VB_TEST_TOKEN is not set" in result.stdout


def test_environment_sets_config_and_data_dir(tmp_path):
    config = tmp_path / "c.toml"
    config.write_text("[storage]\ndata_dir = '/nonexistent/ignored'\n")
    result = run(
        "doctor", "--json", env={"VOICEBOT_CONFIG": str(config), "VOICEBOT_DATA_DIR": str(tmp_path / "x")}
    )
    checks = {c["name"]: c for c in json.loads(result.stdout)["checks"]}
    assert str(config) in checks["config"]["detail"]
    assert str(tmp_path / "x") in checks["data directory"]["detail"]
