"""The XTTS engine on a tiny random XTTS-v2 (built per run, same loading path as the real weights):
finding the model, clear refusals, cloning from real speech, speech through the worker, fallback."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from bot.app import open_context
from bot.config import load_config
from engine.audio.decode import Limits, decode_file
from engine.speech.backends.xtts import (
    TOKENS_PER_S,
    XttsBackend,
    XttsSettings,
    XttsUnavailable,
    XttsVoice,
    locate,
)
from engine.speech.render import SpeechOptions
from handlers import jobs, speech, voices
from handlers.errors import Refusal
from handlers.samples import SampleMeta
from tests.audio import clips
from tests.voices import submit, xtts_config
from tests.voices import uploads as sample_uploads


def test_missing_weights_no_licence_and_no_network_say_what_to_do(tmp_path, monkeypatch):
    with pytest.raises(XttsUnavailable) as missing:
        locate(XttsSettings(model_dir=tmp_path))
    assert "missing config.json, model.pth, vocab.json" in missing.value.message

    monkeypatch.delenv("COQUI_TOS_AGREED", raising=False)
    with pytest.raises(XttsUnavailable) as licence:
        locate(XttsSettings())
    assert (
        "Coqui Public Model License" in licence.value.message
        and "COQUI_TOS_AGREED=1" in licence.value.message
    )

    from TTS.utils import manage

    def offline(self, name):
        raise ConnectionError("Name or service not known")

    monkeypatch.setattr(manage.ModelManager, "download_model", offline)  # never a real download
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "cache"))
    with pytest.raises(XttsUnavailable) as network:
        locate(XttsSettings(accept_licence=True))
    assert (
        "could not download" in network.value.message and "Name or service not known" in network.value.message
    )


def test_speed_goes_to_the_model_and_audio_tokens_are_bounded(tiny_xtts):
    backend = XttsBackend(XttsSettings(model_dir=tiny_xtts))
    backend.ready()
    seen = []
    inference = backend.model.model.inference

    def spy(*args, **kwargs):
        seen.append(kwargs)
        return inference(*args, **kwargs)

    backend.model.model.inference = spy
    gpt, speaker = backend.model.latents([np.zeros(22050, np.float32) + 0.01])
    voice = XttsVoice(("en",), gpt, speaker)
    chunks = list(
        backend.synthesize(voice, "Hi. " + "Long words " * 20 + "end.", "en", SpeechOptions(speed=1.5))
    )
    assert len(chunks) >= 1 and all(c.rate == 24000 for c in chunks)
    assert all(kw["speed"] == 1.5 for kw in seen)
    limits = [kw["max_new_tokens"] for kw in seen]
    assert max(limits) <= backend.model.max_audio_tokens  # the model's own ceiling
    short = list(backend.synthesize(voice, "Hi.", "en", SpeechOptions()))
    assert seen[-1]["max_new_tokens"] < (1.5 + 3 / 8 + 0.1) * TOKENS_PER_S  # a short text gets few tokens
    assert short[0].duration < 5


async def test_clone_from_real_speech_and_speak_through_the_worker(tmp_path, tiny_xtts):
    async with open_context(xtts_config(tmp_path, tiny_xtts)) as ctx:
        user = await ctx.storage.users.get_or_create("cli", "u")
        files = clips("allison_en")
        uploads = [voices.Upload(p.name, p.read_bytes()) for p in files[:4]]
        uploads += [voices.Upload(p.name, p.read_bytes(), SampleMeta(emotion="happy")) for p in files[4:8]]
        queued = await submit(ctx, user.id, "x", uploads)
        created = await jobs.wait_result(ctx, user.id, queued["jobId"])
        assert created["engine"] == "xtts" and "engineNote" not in created
        folder = ctx.storage.files.voice_dir(user.id, created["voiceId"])
        assert {p.name for p in folder.iterdir()} == {"xtts-latents.pt", "voice.json", "consent"}
        prepared = await ctx.load_voice(user.id, created["voiceId"])
        assert set(prepared.emotions) == {"happy"}  # its own latents from the tagged samples

        options = SpeechOptions(output_format="ogg", sample_rate=48000)
        queued = await speech.submit_speech(
            ctx, user.id, created["voiceId"], "Hello there. How are you?", options
        )
        events = []
        job = await ctx.engine.wait(user.id, queued["jobId"], drive=True, on_event=events.append)
        assert job.status == "succeeded", job.error
        chunks = [e for e in events if e.type == "chunk"]
        assert [c.data["index"] for c in chunks] == [0, 1]  # one per sentence, streamed
        decoded = decode_file(Path(job.result["path"]), 48000, Limits())
        assert decoded.probe.codec == "opus" and decoded.probe.source_rate == 48000
        assert 0.2 < decoded.samples.size / 48000 < 15

    # The same voice on a worker without XTTS: a clear refusal, not a crash.
    async with open_context(load_config(data_dir=tmp_path)) as ctx:
        queued = await speech.submit_speech(ctx, user.id, created["voiceId"], "Hello.", SpeechOptions())
        with pytest.raises(Refusal) as refused:
            await jobs.wait_result(ctx, user.id, queued["jobId"])
        assert refused.value.code == "engine_unavailable" and "needs the xtts engine" in refused.value.message


async def test_without_weights_the_voice_falls_back_to_the_embedded_engine(tmp_path):
    async with open_context(xtts_config(tmp_path / "data", tmp_path)) as ctx:
        user = await ctx.storage.users.get_or_create("cli", "u")
        uploads = sample_uploads()
        queued = await submit(ctx, user.id, "x", uploads)
        created = await jobs.wait_result(ctx, user.id, queued["jobId"])
        assert created["engine"] == "embedded" and "missing config.json" in created["engineNote"]
        # Per voice: embedded asked for, so no fallback and no note.
        chosen = await submit(ctx, user.id, "y", uploads, engine="embedded")
        assert "engineNote" not in await jobs.wait_result(ctx, user.id, chosen["jobId"])
        with pytest.raises(Refusal) as unknown:
            await submit(ctx, user.id, "z", uploads, engine="piper")
        assert unknown.value.code == "invalid_request" and "engine must be one of" in unknown.value.message
        assert (await ctx.storage.voices.get(user.id, created["voiceId"])).engine == "embedded"
        spoken = await speech.submit_speech(ctx, user.id, created["voiceId"], "Hello.", SpeechOptions())
        assert (await jobs.wait_result(ctx, user.id, spoken["jobId"]))["duration"] > 0.3


def test_models_and_doctor_show_the_engine_state(tmp_path, tiny_xtts):
    import json

    from tests.bot.test_cli import run

    found = tmp_path / "found.toml"
    found.write_text(f'[engine]\nbackend = "xtts"\nxtts_model_dir = "{tiny_xtts}"\n')
    state = json.loads(run("--config", str(found), "--data-dir", str(tmp_path), "models").stdout)["engines"]
    assert state[0]["engine"] == "embedded" and state[0]["ready"]
    assert state[1] | {"weights": None} == state[1] | {
        "engine": "xtts",
        "ready": True,
        "weights": None,
        "licence": "not needed (local folder)",
        "device": "cpu",
        "default": True,
    }
    unlicensed = tmp_path / "unlicensed.toml"
    unlicensed.write_text('[engine]\nbackend = "xtts"\n')
    env = {"COQUI_TOS_AGREED": "0", "XDG_DATA_HOME": str(tmp_path / "empty")}
    doctor = run("--config", str(unlicensed), "--data-dir", str(tmp_path), "doctor", env=env)
    assert doctor.returncode == 1
    line = next(x for x in doctor.stdout.splitlines() if " xtts " in x)
    assert line.startswith("BAD") and "Coqui Public Model License" in line and "fall back" in line


def test_each_contract_language_goes_through_the_xtts_text_front_end(tiny_xtts):
    from engine.audio.language import LANGUAGES
    from engine.speech.backends.embedded import REFERENCE
    from engine.speech.backends.xtts import LANGUAGE_CODES

    backend = XttsBackend(XttsSettings(model_dir=tiny_xtts))
    tokenizer = backend.model.model.tokenizer
    for language in LANGUAGES:
        ids = tokenizer.encode(REFERENCE[language][:60], LANGUAGE_CODES.get(language, language))
        assert ids[0] == tokenizer.tokenizer.token_to_id(f"[{LANGUAGE_CODES.get(language, language)}]")
        assert len(ids) > 10, language
