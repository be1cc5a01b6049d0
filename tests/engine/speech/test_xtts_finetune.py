"""Fine-tuning XTTS's GPT (premium / professional) on the tiny model: stop and resume from the
checkpoint, the result loaded and spoken with, refusals, and the whole path through the worker."""

from __future__ import annotations

import pytest

from bot.app import open_context
from engine.speech.backends.base import EngineUnavailable, TrainingSample
from engine.speech.backends.xtts import FINETUNE_EPOCHS, XttsBackend, XttsSettings
from engine.speech.backends.xtts_finetune import StopTraining
from engine.speech.render import SpeechOptions
from handlers import jobs, speech, voices
from handlers.samples import SampleMeta
from tests.audio import TRANSCRIPTS, clips, load
from tests.voices import submit, transcribed, xtts_config


def _samples() -> tuple[list[TrainingSample], list[str]]:
    chosen = [p for p in clips("allison_en") if p.name in TRANSCRIPTS] + [clips("allison_en")[1]]
    samples = [TrainingSample(load(p, 22050), 22050, "en", None, TRANSCRIPTS.get(p.name)) for p in chosen]
    return samples, [p.name for p in chosen]


def test_stop_resume_and_speak_with_the_fine_tuned_gpt(tiny_xtts, tmp_path):
    backend = XttsBackend(XttsSettings(model_dir=tiny_xtts))
    samples, names = _samples()
    work = tmp_path / "finetune"
    first_steps: list[int] = []
    with pytest.raises(StopTraining):  # e.g. SIGTERM: stop after the first step, checkpoint kept
        backend.finetune(samples, names, "premium", work, lambda s, p: first_steps.append(p), lambda: True)
    assert list(work.glob("run/*/checkpoint_*.pth"))
    steps: list[float] = []
    files, report = backend.finetune(
        samples, names, "premium", work, lambda s, p: steps.append(p), lambda: False
    )
    assert first_steps and steps[0] > first_steps[0]  # resumed, not restarted
    assert steps[-1] == 100.0
    assert report["samplesUsed"] == 4 and report["leftOut"] == [f"{names[-1]}: no transcript"]

    base = {k: v.clone() for k, v in backend.model.model.gpt.state_dict().items()}
    voice = backend.load(backend.prepare(samples, "premium", lambda s, p: None, ["en"]) | files)
    assert voice.gpt_state is not None
    changed = [
        k for k, v in voice.gpt_state.items() if k in base and not (v.float() == base[k].float()).all()
    ]
    assert changed  # trained weights, not the base ones
    chunks = list(backend.synthesize(voice, "Hello there.", "en", SpeechOptions()))
    assert chunks and chunks[0].duration > 0.1
    # A zero-shot voice spoken next gets the base GPT back.
    plain = backend.load(backend.prepare(samples, "instant", lambda s, p: None, ["en"]))
    list(backend.synthesize(plain, "Hi.", "en", SpeechOptions()))
    now = backend.model.model.gpt.state_dict()
    assert all((now[k] == base[k]).all() for k in changed)


def test_refusals_say_why(tiny_xtts, tmp_path):
    bare = tmp_path / "bare"
    bare.mkdir()
    for name in ("config.json", "model.pth", "vocab.json"):
        (bare / name).symlink_to(tiny_xtts / name)
    samples, names = _samples()
    with pytest.raises(EngineUnavailable) as no_dvae:
        XttsBackend(XttsSettings(model_dir=bare)).finetune(
            samples, names, "premium", tmp_path / "w1", lambda s, p: None, lambda: False
        )
    assert "dvae.pth and mel_stats.pth" in no_dvae.value.message
    untranscribed = [TrainingSample(s.audio, s.rate, "en") for s in samples]
    with pytest.raises(EngineUnavailable) as nothing:
        XttsBackend(XttsSettings(model_dir=tiny_xtts)).finetune(
            untranscribed, names, "premium", tmp_path / "w2", lambda s, p: None, lambda: False
        )
    assert "no sample has both a transcript" in nothing.value.message


async def test_a_premium_voice_is_fine_tuned_by_the_worker(tmp_path, tiny_xtts, monkeypatch):
    # Premium asks for 5 minutes of speech; the test data has less, so the tier rule (tested in
    # tests/engine/audio/test_analysis.py) is waived here: this test is about the training path.
    monkeypatch.setattr("handlers.training.require_tier", lambda *args: None)
    async with open_context(xtts_config(tmp_path, tiny_xtts)) as ctx:
        user = await ctx.storage.users.get_or_create("cli", "u")
        uploads = transcribed()
        queued = await submit(ctx, user.id, "p", uploads, "premium")
        steps = []
        job = await ctx.engine.wait(user.id, queued["jobId"], drive=True, on_event=steps.append)
        assert job.status == "succeeded", job.error
        assert job.result["fineTuning"] == {"samplesUsed": 4, "leftOut": []}
        assert "fine-tuning" in {e.data.get("step") for e in steps if e.type == "progress"}
        folder = ctx.storage.files.voice_dir(user.id, job.result["voiceId"])
        assert {p.name for p in folder.iterdir()} == {
            "xtts-latents.pt",
            "xtts-gpt.pt",
            "voice.json",
            "consent",
        }
        spoken = await speech.submit_speech(ctx, user.id, job.result["voiceId"], "Hello.", SpeechOptions())
        assert (await jobs.wait_result(ctx, user.id, spoken["jobId"]))["duration"] > 0.1


class ListeningTranscriber:
    """Stands in for faster-whisper (whose models cannot be fetched here): the wiring is under test."""

    def __init__(self) -> None:
        self.heard: list[float] = []

    def transcribe(self, audio, rate, language):
        self.heard.append(len(audio) / rate)
        return "please enter the number followed by the pound key"


async def test_samples_without_text_are_transcribed_when_a_recogniser_is_configured(
    tmp_path, tiny_xtts, monkeypatch
):
    monkeypatch.setattr("handlers.training.require_tier", lambda *args: None)  # as above
    async with open_context(xtts_config(tmp_path, tiny_xtts)) as ctx:
        ctx.transcriber = ListeningTranscriber()
        user = await ctx.storage.users.get_or_create("cli", "u")
        uploads = [
            voices.Upload(p.name, p.read_bytes()) for p in clips("allison_en") if p.name in TRANSCRIPTS
        ]
        uploads[0] = voices.Upload(
            uploads[0].name, uploads[0].source, SampleMeta(transcript="Given by the user.")
        )
        queued = await submit(ctx, user.id, "t", uploads, "professional")
        created = await jobs.wait_result(ctx, user.id, queued["jobId"])
        assert len(ctx.transcriber.heard) == 3  # only the three without text
        assert created["fineTuning"]["samplesUsed"] == 4


def test_no_recogniser_installed_or_no_model_is_said_plainly():
    from engine.audio.asr import WhisperTranscriber

    with pytest.raises(EngineUnavailable) as refused:
        WhisperTranscriber("/nonexistent/whisper").transcribe(
            load(clips("allison_en")[0], 16000), 16000, "en"
        )
    assert "voicebot[asr]" in refused.value.message or "not available here" in refused.value.message


def test_fine_tuning_is_refused_when_memory_is_short(tiny_xtts, tmp_path, monkeypatch):
    import os

    real = os.sysconf
    monkeypatch.setattr(os, "sysconf", lambda name: 10 if name == "SC_AVPHYS_PAGES" else real(name))
    samples, names = _samples()
    with pytest.raises(EngineUnavailable) as refused:
        XttsBackend(XttsSettings(model_dir=tiny_xtts)).finetune(
            samples, names, "premium", tmp_path / "w", lambda s, p: None, lambda: False
        )
    assert "GiB of free memory" in refused.value.message and "is available" in refused.value.message


async def test_cancelling_during_fine_tuning_stops_it_and_removes_the_voice(tmp_path, tiny_xtts, monkeypatch):
    import asyncio

    from engine.jobs.worker import Worker

    monkeypatch.setattr("handlers.training.require_tier", lambda *args: None)  # as above
    monkeypatch.setitem(FINETUNE_EPOCHS, "premium", 40)  # long enough to be cancelled midway
    async with open_context(xtts_config(tmp_path, tiny_xtts)) as ctx:
        user = await ctx.storage.users.get_or_create("cli", "u")
        uploads = transcribed()
        queued = await submit(ctx, user.id, "c", uploads, "premium")
        worker = Worker(ctx.engine.queue, jobs.runners(ctx), lease_s=3, poll_s=0.05, register=False)
        serving = asyncio.create_task(worker.run())
        try:
            asked = False
            async with asyncio.timeout(120):
                async for event in ctx.engine.watch(user.id, queued["jobId"]):
                    if event.type == "progress" and event.data["step"] == "fine-tuning" and not asked:
                        asked = True
                        await jobs.cancel_job(ctx, user.id, queued["jobId"])
                final = await ctx.engine.status(user.id, queued["jobId"])
        finally:
            worker.stop()
            await asyncio.wait_for(serving, 60)
        assert final.status == "cancelled"
        assert await ctx.storage.voices.list(user.id) == []
        assert not ctx.storage.files.voice_dir(user.id, queued["voiceId"]).exists()  # checkpoints too
