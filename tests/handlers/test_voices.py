"""Voice use cases through the composition root: multilingual voices, all-or-nothing creation."""

from __future__ import annotations

import shutil

import numpy as np
import pytest

from bot.app import open_context
from bot.config import load_config
from engine.jobs.queue import JobSpec
from engine.speech.render import SpeechOptions
from handlers import collect, jobs, speech, voices
from handlers.chat import Sender
from handlers.errors import Refusal
from tests.audio import RATE, clips, encode, load
from tests.hostile import says
from tests.voices import collecting, submit, uploads


async def test_samples_in_two_languages_give_one_voice_that_speaks_both(tmp_path):
    async with open_context(load_config(data_dir=tmp_path)) as ctx:
        user = await ctx.storage.users.get_or_create("cli", "u")
        queued = await submit(
            ctx,
            user.id,
            "both",
            uploads("allison_en", 4, language="en") + uploads("carlo_it", 4, language="it"),
        )
        created = await jobs.wait_result(ctx, user.id, queued["jobId"])
        assert created["languages"] == ["en", "it"]
        for language, text in (("en", "Good morning to you."), ("it", "Buongiorno a tutti.")):
            queued = await speech.submit_speech(
                ctx, user.id, created["voiceId"], text, SpeechOptions(), language
            )
            result = await jobs.wait_result(ctx, user.id, queued["jobId"])
            assert result["duration"] > 0.5


async def test_a_failure_while_preparing_leaves_nothing(tmp_path, monkeypatch):
    async with open_context(load_config(data_dir=tmp_path)) as ctx:
        user = await ctx.storage.users.get_or_create("cli", "u")

        def broken(*args, **kwargs):
            raise RuntimeError("out of memory")

        monkeypatch.setattr(ctx.backend, "prepare", broken)
        ctx.engine.queue.backoff_s = 0.01  # retried up to max_tries, then failed for good
        queued = await submit(ctx, user.id, "v", uploads("allison_en", 8, language="en"))
        with pytest.raises(Refusal) as refused:
            await jobs.wait_result(ctx, user.id, queued["jobId"])
        assert refused.value.code == "internal_error"
        assert (await ctx.engine.status(user.id, queued["jobId"])).attempts == ctx.max_tries
        assert await ctx.storage.voices.list(user.id) == []
        assert not [p for p in (tmp_path / "files").rglob("*") if p.is_file()]
        assert await ctx.storage.voices.by_name(user.id, "v") is None  # the name is free again


async def test_the_requests_training_options_are_used(tmp_path):
    async with open_context(load_config(data_dir=tmp_path)) as ctx:
        user = await ctx.storage.users.get_or_create("cli", "u")
        queued = await submit(
            ctx, user.id, "strict", uploads("allison_en", 4, language="en"), consistency_threshold=0.999
        )
        created = await jobs.wait_result(ctx, user.id, queued["jobId"])
        flagged = [
            s for s in created["samples"] if any(f["code"] == "different_speaker" for f in s["feedback"])
        ]
        assert len(flagged) == 4  # nobody is 0.999 like the others: the request's threshold applied


def _capped(tmp_path, mib: float):
    config = load_config(data_dir=tmp_path / "data")
    return config.model_copy(update={"audio": config.audio.model_copy(update={"max_upload_mb": mib})})


async def test_unusable_uploads_are_left_out_with_their_reason_and_the_rest_trained(tmp_path):
    big = tmp_path / "big.wav"
    big.write_bytes(b"RIFF" + bytes(int(1.5 * 2**20)))  # over the 1 MiB cap: never copied
    noise = encode(np.random.default_rng(3).normal(0, 0.1, RATE * 3).astype(np.float32), tmp_path / "n.wav")
    sent = [voices.Upload(p.name, p) for p in clips("allison_en")[:6]]  # files: streamed in
    sent += [
        voices.Upload("empty.ogg", b""),
        voices.Upload("big.wav", big),
        voices.Upload("noise.wav", noise.read_bytes()),
        voices.Upload("\u202eevil\u200b.ogg", b"not audio at all"),
    ]
    async with open_context(_capped(tmp_path, 1)) as ctx:
        user = await ctx.storage.users.get_or_create("cli", "u")
        queued = await submit(ctx, user.id, "v", sent)
        at_submit = {x["name"]: x["code"] for x in queued["leftOut"]}
        assert at_submit == {"empty.ogg": "empty_file", "big.wav": "file_too_large", "evil.ogg": "not_audio"}
        assert "1 MiB" in next(x["message"] for x in queued["leftOut"] if x["code"] == "file_too_large")
        kept = list((tmp_path / "data" / "files").rglob("upload_*"))
        assert len(kept) == 7 and max(p.stat().st_size for p in kept) < 2**20
        created = await jobs.wait_result(ctx, user.id, queued["jobId"])
        assert created["status"] == "completed"
        assert {x["name"]: x["code"] for x in created["leftOut"]} == at_submit | {"noise.wav": "no_speech"}
        assert [s["name"] for s in created["samples"] if s["usable"]] == [u.name for u in sent[:6]]
        assert len(await ctx.storage.samples.list(user.id, created["voiceId"])) == 6
        assert not list((tmp_path / "data" / "files").rglob("upload_*"))  # nothing left behind


async def test_nothing_usable_refuses_the_request_and_keeps_nothing(tmp_path):
    tone = encode((0.2 * np.sin(np.arange(RATE * 3) * 0.07)).astype(np.float32), tmp_path / "t.ogg")
    async with open_context(load_config(data_dir=tmp_path / "data")) as ctx:
        user = await ctx.storage.users.get_or_create("cli", "u")
        with pytest.raises(Refusal) as refused:
            await submit(ctx, user.id, "v", [voices.Upload("a.ogg", b""), voices.Upload("b.ogg", b"x")])
        assert refused.value.code == "nothing_usable" and len(refused.value.details) == 2
        queued = await submit(ctx, user.id, "v", [voices.Upload("tone.ogg", tone)])
        with pytest.raises(Refusal) as refused:
            await jobs.wait_result(ctx, user.id, queued["jobId"])
        assert refused.value.code == "nothing_usable" and "tone.ogg" in refused.value.message
        assert await ctx.storage.voices.list(user.id) == []
        assert not [p for p in (tmp_path / "data" / "files").rglob("*") if p.is_file()]


async def test_what_is_left_must_still_meet_the_tier(tmp_path):
    async with open_context(load_config(data_dir=tmp_path / "data")) as ctx:
        user = await ctx.storage.users.get_or_create("cli", "u")
        sent = [*uploads("allison_en", 3), voices.Upload("empty.ogg", b"")]
        queued = await submit(ctx, user.id, "v", sent, voice_type="standard")
        with pytest.raises(Refusal) as refused:
            await jobs.wait_result(ctx, user.id, queued["jobId"])
        assert refused.value.code == "not_enough_audio"
        assert "at least 60 s" in refused.value.message and "usable samples hold" in refused.value.message


async def test_a_failed_chat_training_returns_the_voice_to_collecting_with_its_samples(tmp_path, monkeypatch):
    sender = Sender("telegram", "1", "1", "fr")
    async with open_context(load_config(data_dir=tmp_path / "data")) as ctx:
        user, voice = await collecting(ctx, sender, clips("allison_en")[:6])
        kept = await ctx.storage.samples.list(user.id, voice.id)
        assert len(kept) == 6

        def broken(*args, **kwargs):
            raise Refusal("engine_failed", "the engine could not prepare this voice")

        monkeypatch.setattr(ctx.backend, "prepare", broken)
        queued = await collect.train(ctx, sender, None)
        with pytest.raises(Refusal):
            await jobs.wait_result(ctx, user.id, queued.job_id)
        again = await ctx.storage.voices.get(user.id, voice.id)
        assert again.status == "collecting" and again.error == "the engine could not prepare this voice"
        assert [s.id for s in await ctx.storage.samples.list(user.id, voice.id)] == [s.id for s in kept]
        assert all(ctx.storage.files.sample_path(user.id, s.id).exists() for s in kept)
        monkeypatch.undo()  # the engine works again: the same samples train the voice
        queued = await collect.train(ctx, sender, None)
        done = await jobs.wait_result(ctx, user.id, queued.job_id)
        assert done["status"] == "completed" and "error" not in done


async def test_a_chat_rejection_is_wholly_in_the_persons_language(tmp_path):
    sender = Sender("telegram", "1", "1", "fr")
    speech = load(clips("allison_en")[6])
    pause = np.zeros(RATE, np.float32)
    short = encode(
        np.concatenate([pause, speech[int(0.4 * RATE) : int(1.3 * RATE)], pause]), tmp_path / "s.ogg"
    )
    async with open_context(load_config(data_dir=tmp_path / "data")) as ctx:
        await collecting(ctx, sender)

        async def fetch() -> bytes:
            return short.read_bytes()

        reply = await collect.add_sample(ctx, sender, collect.Incoming(fetch, None, None), 2**24)
        assert reply.text.startswith("Non conservé") and "au moins 1 s" in reply.text
        assert "speech" not in reply.text and "Please" not in reply.text


async def test_deleting_a_voice_removes_the_files_of_its_jobs_and_keeps_their_outcome(tmp_path):
    async with open_context(load_config(data_dir=tmp_path / "data")) as ctx:
        user = await ctx.storage.users.get_or_create("cli", "u")
        voice = await ctx.storage.voices.create(user.id, "v", ["en"], "instant", "embedded", 90)
        job = await ctx.engine.submit(JobSpec("speak", user.id, {"text": "hi"}, voice_id=voice.id))
        chunk = ctx.storage.files.write(ctx.storage.files.job_dir(user.id, job.id) / "chunk_000.wav", b"x")
        assert await ctx.delete_voice(user.id, voice.id)
        assert not chunk.exists()
        assert (await ctx.engine.status(user.id, job.id)).voice_id is None  # the outcome stays readable
        assert not await ctx.delete_voice(user.id, voice.id)


async def test_streamed_sentences_carry_the_asked_speed_like_the_file(tmp_path):
    async with open_context(load_config(data_dir=tmp_path / "data")) as ctx:
        user = await ctx.storage.users.get_or_create("cli", "u")
        created = await jobs.wait_result(ctx, user.id, (await submit(ctx, user.id, "v", uploads()))["jobId"])
        text = "The first sentence is here. And this is the second one, a little longer."
        options = SpeechOptions(speed=2.0, output_format="wav")
        queued = await speech.submit_speech(ctx, user.id, created["voiceId"], text, options)
        result = await jobs.wait_result(ctx, user.id, queued["jobId"])
        chunks = [e for e in await ctx.engine.queue.events(queued["jobId"]) if e.type == "chunk"]
        streamed = sum(e.data["duration"] for e in chunks)
        assert len(chunks) == 2 and abs(streamed - result["duration"]) < 0.15 * result["duration"]


async def test_a_voice_with_damaged_files_is_refused_for_good_and_the_others_still_speak(tmp_path):
    async with open_context(load_config(data_dir=tmp_path)) as ctx:
        user = await ctx.storage.users.get_or_create("cli", "u")
        made = []
        for name in ("damaged", "sound"):
            queued = await submit(ctx, user.id, name, uploads("allison_en", 4, language="en"))
            made.append((await jobs.wait_result(ctx, user.id, queued["jobId"]))["voiceId"])
        damaged, sound = made
        folder = ctx.storage.files.voice_dir(user.id, damaged)
        garbled = next(p for p in sorted(folder.iterdir()) if p.suffix == ".npz")

        def truncate():
            garbled.write_bytes(garbled.read_bytes()[:40])

        def garble_json():
            (folder / "voice.json").write_text('{"engine": ')

        def remove():
            shutil.rmtree(folder)

        for damage in (truncate, garble_json, remove):
            damage()
            ctx.forget_voice(damaged)
            queued = await speech.submit_speech(
                ctx, user.id, damaged, "Bonjour.", SpeechOptions(), locale="fr"
            )
            with pytest.raises(Refusal) as refused:
                await jobs.wait_result(ctx, user.id, queued["jobId"], locale="fr")
            assert refused.value.code == "voice_damaged", damage.__name__
            assert says(refused.value.message, "voice_damaged"), refused.value.message
            assert (await ctx.engine.status(user.id, queued["jobId"])).attempts == 1  # not retried
            queued = await speech.submit_speech(ctx, user.id, sound, "Good morning.", SpeechOptions())
            assert (await jobs.wait_result(ctx, user.id, queued["jobId"]))["duration"] > 0.3
