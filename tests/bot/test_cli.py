"""The real ``voicebot`` console script, run as a user would."""

from __future__ import annotations

import asyncio
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from engine.audio.decode import Limits
from storage import Storage
from tests.audio import RATE, clips, encode, joined, load

VOICEBOT = str(Path(sys.executable).parent / "voicebot")


def run(*args: str, env: dict | None = None, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    dropped = ("VOICEBOT_CONFIG", "VOICEBOT_DATA_DIR", "LC_ALL", "LC_MESSAGES", "LANG")
    inherited = {k: v for k, v in os.environ.items() if k not in dropped}
    full_env = {**inherited, "LANG": "C.UTF-8", **(env or {})}  # English unless a test says otherwise
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
        assert error["message"], error
        if code == "invalid_request":
            assert error["code"] == code
        else:  # the one file is left out, so nothing is left to analyse
            assert error["code"] == "nothing_usable" and [x["code"] for x in error["leftOut"]] == [code]
        assert "Traceback" not in result.stderr


def test_analyze_judges_each_file_on_its_own(tmp_path):
    """One unusable file among many is left out with its reason; the rest are analysed."""
    good = [str(p) for p in clips("allison_en")[:6]]
    speech = load(clips("allison_en")[6])
    pause = np.zeros(RATE, np.float32)
    short = encode(
        np.concatenate([pause, speech[int(0.4 * RATE) : int(1.3 * RATE)], pause]), tmp_path / "s.ogg"
    )
    empty = tmp_path / "empty.wav"
    empty.write_bytes(b"")
    text = tmp_path / "notes.mp3"
    text.write_text("not audio\n" * 20)
    result = run("--data-dir", str(tmp_path), "analyze", *good, str(short), str(empty), str(text))
    assert result.returncode == 0, result.stdout + result.stderr
    report = json.loads(result.stdout)
    usable = [s for s in report["samples"] if s["usable"]]
    assert [s["name"] for s in usable] == good
    reasons = {x["name"]: x["code"] for x in report["leftOut"]}
    assert reasons == {str(short): "too_short", str(empty): "empty_file", str(text): "not_audio"}
    refused = [s for s in report["samples"] if not s["usable"]]
    assert {s["name"]: s["reason"]["code"] for s in refused} == reasons
    too_short = next(x for x in report["leftOut"] if x["code"] == "too_short")
    assert "at least 1 s" in too_short["message"]  # the rule the code applies, not another
    total = report["audioAnalysis"]["totalDuration"]
    assert total == round(sum(s["speechDuration"] for s in usable), 2)


@pytest.mark.parametrize(
    "options",
    [("--emotion", "furious"), ("--format", "aac"), ("--sample-rate", "16000")],
)
def test_usage_mistakes_keep_the_error_shape(tmp_path, options):
    result = run("--data-dir", str(tmp_path), "speak", "voice_x", "Hello.", *options)
    assert result.returncode == 2
    error = json.loads(result.stdout)["error"]
    assert error["code"] == "invalid_request" and options[0] in error["message"]
    assert "usage:" not in result.stdout + result.stderr


def test_commands_that_need_no_model_load_none(tmp_path):
    """voice list, and refusals of files the cheap checks catch, import neither torch nor scipy."""
    empty = tmp_path / "empty.wav"
    empty.write_bytes(b"")
    probe = (
        "import sys, contextlib, io\n"
        "from bot.cli import main\n"
        "with contextlib.redirect_stdout(io.StringIO()):\n"
        "    codes = [main(['--data-dir', sys.argv[1], 'voice', 'list']),"
        " main(['--data-dir', sys.argv[1], 'analyze', sys.argv[2]])]\n"
        "print(codes, sorted(m for m in ('torch', 'scipy.signal', 'resemblyzer') if m in sys.modules))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", probe, str(tmp_path / "d"), str(empty)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.stdout.strip() == "[0, 2] []", result.stdout + result.stderr


@pytest.mark.parametrize(
    ("failure", "code"),
    [
        (PermissionError(13, "Permission denied", "n.ogg"), "io_error"),
        (RuntimeError("boom"), "internal_error"),
    ],
)
def test_unexpected_failures_become_error_objects(tmp_path, monkeypatch, capsys, failure, code):
    from bot import cli
    from engine.audio import ingest

    note = encode(joined("allison_en", 3), tmp_path / "n.ogg", "-c:a", "libopus")

    class Broken:  # Ingestor's interface: its limits, and a from_file that fails
        limits = Limits()

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
    assert (
        checks["transformers"]["detail"].startswith("4.") and "tested: <5" in checks["transformers"]["detail"]
    )
    assert {"torch", "coqui-tts", "discord.py", "aiogram"} <= set(checks)
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


def test_doctor_warns_about_a_version_outside_the_tested_range(monkeypatch):
    from bot import doctor

    real = doctor.metadata.version
    monkeypatch.setattr(doctor.metadata, "version", lambda n: "5.1.0" if n == "transformers" else real(n))
    checks = {c.name: c for c in doctor._versions()}
    assert checks["transformers"].warn and "outside the tested range" in checks["transformers"].detail
    assert checks["transformers"].ok  # a warning, not a failure
    assert not checks["aiogram"].warn


def test_the_chores_run_once_from_the_command_line(tmp_path):
    async def expired_voice() -> str:
        async with Storage.open(tmp_path / "d") as st:
            user = await st.users.get_or_create("cli", "someone")
            return (await st.voices.create(user.id, "old", ["en"], "instant", "embedded", 0)).id

    voice_id = asyncio.run(expired_voice())
    result = run("--data-dir", str(tmp_path / "d"), "chores")
    assert result.returncode == 0, result.stdout + result.stderr
    assert json.loads(result.stdout)["expiredVoices"] == [voice_id]


def test_forget_asks_for_confirmation_and_history_is_json(tmp_path):
    refused = run("--data-dir", str(tmp_path), "forget")
    assert refused.returncode == 2 and "--yes" in json.loads(refused.stdout)["error"]["message"]
    assert json.loads(run("--data-dir", str(tmp_path), "history").stdout) == {"entries": []}
    done = run("--data-dir", str(tmp_path), "forget", "--yes")
    assert done.returncode == 0 and json.loads(done.stdout) == {"forgotten": True, "voices": 0, "accounts": 1}


def test_the_operator_erases_a_chat_user_by_platform_and_id(tmp_path):
    import asyncio

    from storage import Storage

    async def seed() -> None:
        async with Storage.open(tmp_path) as st:
            user = await st.users.get_or_create("telegram", "4242")
            await st.consents.accept(user.id, "2026-11", "hash", "test")

    asyncio.run(seed())
    unconfirmed = run("--data-dir", str(tmp_path), "user", "forget", "--owner", "telegram:4242")
    assert unconfirmed.returncode == 2 and "--yes" in json.loads(unconfirmed.stdout)["error"]["message"]
    malformed = run("--data-dir", str(tmp_path), "user", "forget", "--owner", "telegram:me/../x", "--yes")
    assert json.loads(malformed.stdout)["error"]["code"] == "invalid_request"
    done = run("--data-dir", str(tmp_path), "user", "forget", "--owner", "telegram:4242", "--yes")
    assert json.loads(done.stdout) == {"forgotten": True, "voices": 0, "accounts": 1}
    again = run("--data-dir", str(tmp_path), "user", "forget", "--owner", "telegram:4242", "--yes")
    assert json.loads(again.stdout)["error"]["code"] == "not_found"


def test_verify_says_real_speech_was_not_generated_here(tmp_path):
    from tests.audio import clips

    said = run("--data-dir", str(tmp_path), "verify", str(clips("allison_en")[0]))
    assert said.returncode == 0 and json.loads(said.stdout) == {
        "generatedHere": False,
        "markedAiGenerated": False,
        "watermark": False,
    }
    missing = run("--data-dir", str(tmp_path), "verify", str(tmp_path / "nothing.mp3"))
    assert missing.returncode == 2 and json.loads(missing.stdout)["error"]["code"] == "invalid_request"


def test_api_keys_are_shown_once_listed_without_secret_and_revoked(tmp_path):
    made = json.loads(
        run("--data-dir", str(tmp_path), "apikey", "create", "--owner", "alice", "--name", "nas").stdout
    )
    assert made["apiKey"].startswith("vb_") and made["name"] == "nas" and made["revoked"] is False
    listed = json.loads(run("--data-dir", str(tmp_path), "apikey", "list", "--owner", "alice").stdout)
    assert [k["keyId"] for k in listed["keys"]] == [made["keyId"]] and made["apiKey"] not in json.dumps(
        listed
    )
    assert json.loads(run("--data-dir", str(tmp_path), "apikey", "list", "--owner", "bob").stdout) == {
        "keys": []
    }
    theirs = run("--data-dir", str(tmp_path), "apikey", "revoke", "--owner", "bob", made["keyId"])
    assert theirs.returncode == 2 and json.loads(theirs.stdout)["error"]["code"] == "not_found"
    done = run("--data-dir", str(tmp_path), "apikey", "revoke", "--owner", "alice", made["keyId"])
    assert json.loads(done.stdout) == {"keyId": made["keyId"], "revoked": True}
    unknown = run("--data-dir", str(tmp_path), "apikey", "create", "--owner", "telegram:5")
    assert json.loads(unknown.stdout)["error"]["code"] == "not_found"  # they should /start the bot first


def test_a_manifest_is_checked_by_the_http_apis_own_models(tmp_path):
    shutil.copy(clips("allison_en")[0], tmp_path / "a.ogg")
    for sample, options, said in (
        ({"path": "a.ogg", "language": "xx"}, {}, "audioSamples.0.language"),
        ({"path": "a.ogg", "volume": 3}, {}, "audioSamples.0.volume"),
        ({"path": "a.ogg"}, {"removeNoise": "yes"}, "trainingOptions.removeNoise"),
    ):
        manifest = {"audioSamples": [sample], "trainingOptions": options}
        (tmp_path / "voice.json").write_text(json.dumps(manifest))
        result = run("analyze", "--manifest", str(tmp_path / "voice.json"))
        error = json.loads(result.stdout)["error"]
        assert result.returncode != 0 and error["code"] == "invalid_request", error
        assert said in error["message"], error


def test_doctor_reports_the_pools_database_without_its_password(tmp_path, postgres_server):
    from tests.postgres import fresh_database

    url = fresh_database(postgres_server)
    found = json.loads(run("--data-dir", str(tmp_path), "--database", url, "doctor", "--json").stdout)
    check = {c["name"]: c for c in found["checks"]}["database"]
    assert check["ok"] and "PostgreSQL 16" in check["detail"] and "no schema yet" in check["detail"]
    away = "postgresql://voicebot:sekrit@127.0.0.1:1/nowhere"
    missing = run("--data-dir", str(tmp_path), "--database", away, "doctor", "--json")
    check = {c["name"]: c for c in json.loads(missing.stdout)["checks"]}["database"]
    assert missing.returncode != 0 and not check["ok"] and "voicebot@127.0.0.1:1/nowhere" in check["detail"]
    assert "sekrit" not in missing.stdout + missing.stderr
