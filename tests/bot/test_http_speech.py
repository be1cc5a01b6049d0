"""Speech over HTTP with real clients: the official ``openai`` package streaming a cloned voice from
``/v1/audio/speech`` (bytes before the job has finished), batch-speak with its links and zip, job
cancel, and the per-key rate limit."""

from __future__ import annotations

import asyncio
import base64
import io
import threading
import zipfile
from contextlib import asynccontextmanager

import httpx
import openai
import soundfile

from bot.app import open_context
from bot.config import Config, load_config
from engine.jobs.worker import Worker
from handlers import apikeys, consent, jobs
from handlers.jobs import runners
from handlers.messages import t
from tests.audio import clips
from tests.bot.http_harness import error_of, serving
from tests.voices import submit, uploads

BASE = "/v2/ai/voice-cloning"
TEXT = "The first sentence is short. The second one follows it. And a third ends the line."


@asynccontextmanager
async def speaking(tmp_path, worker: bool = True, **settings):
    """The server, a worker, a person with a ready voice and their key, and somebody else's key."""
    async with open_context(load_config(data_dir=tmp_path)) as ctx, serving(ctx, **settings) as url:
        owner = await ctx.storage.users.get_or_create("cli", "owner")
        other = await ctx.storage.users.get_or_create("cli", "other")
        voice_id = (
            await jobs.wait_result(
                ctx, owner.id, (await submit(ctx, owner.id, "Allison", uploads()))["jobId"]
            )
        )["voiceId"]
        serving_queue = Worker(ctx.engine.queue, runners(ctx), poll_s=0.05, register=False, streams=8)
        working = asyncio.create_task(serving_queue.run()) if worker else None
        keys = [(await apikeys.create(ctx, who.id))["apiKey"] for who in (owner, other)]
        try:
            yield ctx, url, owner.id, voice_id, keys
        finally:
            serving_queue.stop()
            if working:
                await asyncio.wait_for(working, 60)


async def test_the_openai_client_streams_a_cloned_voice_as_it_is_made(tmp_path, monkeypatch):
    async with speaking(tmp_path) as (ctx, url, owner_id, voice_id, (mine, theirs)):
        said_first = threading.Event()
        go_on = threading.Event()
        whole = ctx.backend.synthesize

        def held(*args, **kwargs):  # the second sentence waits until the first has been heard
            for chunk in whole(*args, **kwargs):
                if chunk.index == 1:
                    said_first.set()
                    assert go_on.wait(120)
                yield chunk

        monkeypatch.setattr(ctx.backend, "synthesize", held)
        client = openai.AsyncOpenAI(api_key=mine, base_url=f"{url}/v1", max_retries=0, timeout=120)
        stranger = openai.AsyncOpenAI(api_key=theirs, base_url=f"{url}/v1", max_retries=0, timeout=60)
        async with client, stranger:
            await _speak_through(ctx, client, stranger, url, owner_id, voice_id, (mine, theirs), go_on)
        assert said_first.is_set()
        monkeypatch.setattr(ctx.backend, "synthesize", whole)


async def _speak_through(ctx, client, stranger, url, owner_id, voice_id, keys, go_on) -> None:
    mine, theirs = keys
    assert {m.id for m in (await client.models.list()).data} >= {"tts-1", "tts-1-hd"}
    async with httpx.AsyncClient(base_url=url) as http:
        listed = (await http.get("/v1/audio/voices", headers={"Authorization": f"Bearer {mine}"})).json()
        assert listed["voices"] == [{"id": voice_id, "name": "Allison", "languages": ["en"]}]
        none = await http.get("/v1/audio/voices", headers={"Authorization": f"Bearer {theirs}"})
        assert none.json() == {"voices": []}

    async with client.audio.speech.with_streaming_response.create(
        model="tts-1", voice="Allison", input=TEXT, response_format="mp3"
    ) as response:
        assert response.headers["content-type"] == "audio/mpeg"
        chunks = response.iter_bytes()
        first = await anext(chunks)  # arrives while the second sentence is held back
        assert first and not go_on.is_set()
        received = bytearray(first)
        go_on.set()
        async for data in chunks:
            received += data
    audio, rate = soundfile.read(io.BytesIO(bytes(received)))
    assert len(audio) / rate > 2.0  # all three sentences
    receipt = (await ctx.storage.generations.for_voice(owner_id, voice_id))[0]
    assert receipt.voice_id == voice_id and receipt.platform == "api"

    pcm = await client.audio.speech.create(
        model="tts-1", voice={"id": voice_id}, input="Raw samples.", response_format="pcm", speed=1.2
    )
    assert len(pcm.content) > 24000 * 2 * 0.3 and len(pcm.content) % 2 == 0  # 24 kHz 16-bit mono

    for who, voice in ((stranger, voice_id), (client, "Nobody")):
        try:
            await who.audio.speech.create(model="tts-1", voice=voice, input="Hello.")
            raise AssertionError("spoke a voice that is not the caller's")
        except openai.NotFoundError as exc:
            assert exc.status_code == 404 and "voice" in str(exc.body).lower()
    for bad in ({"input": "x" * 5001}, {"model": "whisper-1"}, {"speed": 4.0}):
        asked = {"model": "tts-1", "voice": voice_id, "input": "Hello."} | bad
        try:
            await client.audio.speech.create(**asked)
            raise AssertionError(f"accepted {bad}")
        except openai.APIStatusError as exc:
            assert exc.status_code in (404, 422) and set(exc.body) == {"code", "message"}, exc.body


async def test_batch_speak_with_links_and_zip_and_cancel(tmp_path):
    async with speaking(tmp_path, worker=False) as (ctx, url, owner_id, voice_id, (mine, theirs)):
        me, them = {"Authorization": f"Bearer {mine}"}, {"Authorization": f"Bearer {theirs}"}
        async with httpx.AsyncClient(base_url=url, timeout=120) as http:
            waiting = await http.post(
                f"{BASE}/batch-speak",
                json={"voiceId": voice_id, "texts": [{"text": "Never said."}]},
                headers=me,
            )
            batch_id = waiting.json()["batchId"]
            error_of(await http.post(f"{BASE}/jobs/{batch_id}/cancel", headers=them), 404, "not_found")
            cancelled = (await http.post(f"{BASE}/jobs/{batch_id}/cancel", headers=me)).json()
            assert cancelled["status"] == "cancelled" and cancelled["batchId"] == batch_id

            worker = Worker(ctx.engine.queue, runners(ctx), poll_s=0.05, register=False)
            working = asyncio.create_task(worker.run())
            try:
                texts = [
                    {"text": "Chapter one.", "filename": "../../etc/chapter.mp3"},
                    {"text": "Chapter two.", "filename": "chapter.mp3"},
                    {"text": "   "},
                    {"text": "The end."},
                ]
                asked = {"voiceId": voice_id, "texts": texts, "outputFormat": "mp3"}
                started = (await http.post(f"{BASE}/batch-speak", json=asked, headers=me)).json()
                assert started["count"] == 3 and started["status"] in ("queued", "running"), started
                async with asyncio.timeout(120):
                    await ctx.engine.wait(owner_id, started["batchId"])
                done = (await http.get(f"{BASE}/batch/{started['batchId']}", headers=me)).json()
                error_of(await http.get(f"{BASE}/batch/{started['batchId']}", headers=them), 404, "not_found")
                again = await http.post(f"{BASE}/jobs/{started['batchId']}/cancel", headers=me)
                error_of(again, 409, "already_finished")
            finally:
                worker.stop()
                await asyncio.wait_for(working, 60)
            assert done["status"] == "succeeded" and "result" not in done
            names = [item["filename"] for item in done["items"]]
            assert names == ["chapter.mp3", "chapter_2.mp3", "speech_003.mp3"]
            first = await http.get(done["items"][0]["audioUrl"])  # signed: no header needed
            assert first.status_code == 200 and first.headers["content-type"] == "audio/mpeg"
            packed = await http.get(done["zipUrl"])
            with zipfile.ZipFile(io.BytesIO(packed.content)) as archive:
                assert archive.namelist() == names
                assert archive.read("chapter.mp3") == first.content
            bare = done["zipUrl"].split("?")[0]
            error_of(await http.get(bare, headers=them), 404, "not_found")
            other_voice = {"voiceId": "voice_nope", "texts": [{"text": "Hi."}]}
            error_of(await http.post(f"{BASE}/batch-speak", json=other_voice, headers=me), 404, "not_found")
            too_many = {"voiceId": voice_id, "texts": [{"text": "Hi."}] * 101}
            error_of(
                await http.post(f"{BASE}/batch-speak", json=too_many, headers=me), 422, "invalid_request"
            )


async def test_a_key_past_its_rate_waits_and_another_does_not(tmp_path):
    async with speaking(tmp_path, worker=False, requests_per_minute=3) as (_, url, _o, _v, (mine, theirs)):
        async with httpx.AsyncClient(base_url=url) as http:
            for _ in range(3):
                assert (
                    await http.get(f"{BASE}/voices", headers={"Authorization": f"Bearer {mine}"})
                ).is_success
            throttled = await http.get(f"{BASE}/voices", headers={"Authorization": f"Bearer {mine}"})
            assert "try again" in error_of(throttled, 429, "rate_limited")
            assert 1 <= int(throttled.headers["retry-after"]) <= 60
            assert (
                await http.get(f"{BASE}/voices", headers={"Authorization": f"Bearer {theirs}"})
            ).is_success


async def test_the_bots_quotas_hold_over_http_in_the_callers_language(tmp_path):
    config = Config.model_validate(
        {
            "storage": {"data_dir": str(tmp_path)},
            "consent": {"policy": "text"},
            "quotas": {"trainings_per_day": 1},
        }
    )
    async with open_context(config) as ctx, serving(ctx) as url:
        owner = await ctx.storage.users.get_or_create("cli", "owner")
        shown = await consent.shown_to(ctx, owner.id, "en")
        await consent.accept_shown(ctx, owner.id, shown["version"], shown["hash"], True, "api")
        me = {"Authorization": f"Bearer {(await apikeys.create(ctx, owner.id))['apiKey']}"}
        samples = [
            {"audioBase64": base64.b64encode(p.read_bytes()).decode()} for p in clips("allison_en")[:4]
        ]
        async with httpx.AsyncClient(base_url=url, timeout=60) as http:
            first = await http.post(BASE, json={"voiceName": "One", "audioSamples": samples}, headers=me)
            assert first.status_code == 200, first.text
            second = await http.post(
                BASE,
                json={"voiceName": "Two", "audioSamples": samples},
                headers=me | {"Accept-Language": "fr-CH, fr;q=0.9, en;q=0.5"},
            )
            assert error_of(second, 429, "quota_exceeded") == t("fr", "quota.trainings", limit=1)
        assert [v.name for v in await ctx.storage.voices.list(owner.id)] == ["One"]  # nothing of Two


async def test_a_stream_the_client_leaves_stops_its_job(tmp_path, monkeypatch):
    async with speaking(tmp_path) as (ctx, url, owner_id, voice_id, (mine, _)):
        go_on = threading.Event()
        whole = ctx.backend.synthesize

        def held(*args, **kwargs):
            for chunk in whole(*args, **kwargs):
                if chunk.index == 1:
                    go_on.wait(120)
                yield chunk

        monkeypatch.setattr(ctx.backend, "synthesize", held)
        body = {"model": "tts-1", "voice": voice_id, "input": TEXT, "response_format": "wav"}
        async with httpx.AsyncClient(base_url=url, timeout=60) as http:
            headers = {"Authorization": f"Bearer {mine}"}
            async with http.stream("POST", "/v1/audio/speech", json=body, headers=headers) as response:
                assert (await anext(response.aiter_raw()))[:4] == b"RIFF"
            # the client is gone: the job is asked to stop, and stops at its next sentence
            (job,) = await ctx.engine.queue.active(owner_id)
            for _ in range(1200):  # until the cancel is recorded (the server sees the socket close)
                row = await ctx.storage.conn.execute_fetchall(
                    "SELECT cancel_requested FROM jobs WHERE id = ?", (job.id,)
                )
                if row[0][0]:
                    break
                await asyncio.sleep(0.05)
            go_on.set()
            async with asyncio.timeout(60):
                ended = await ctx.engine.wait(owner_id, job.id)
        assert ended.status == "cancelled"
        assert await ctx.storage.generations.for_voice(owner_id, voice_id) == []  # nothing said, no receipt
