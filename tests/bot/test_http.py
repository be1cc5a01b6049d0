"""The HTTP API over a real socket (uvicorn, httpx): keys, the error shape, consent, and the
contract's voice management — owner-only, tried with another person's key."""

from __future__ import annotations

import asyncio
import base64
import socket

import httpx

from bot.app import open_context
from bot.config import HttpConfig, load_config
from bot.http.serve import service
from engine.jobs.worker import Worker
from handlers import apikeys, jobs
from handlers.jobs import runners
from tests.audio import clips, code_in, reading
from tests.bot.http_harness import error_of, serving
from tests.voices import submit, uploads

BASE = "/v2/ai/voice-cloning"


async def test_keys_consent_and_voices_are_the_owners_only(tmp_path):
    async with open_context(load_config(data_dir=tmp_path)) as ctx, serving(ctx, max_body_mb=1) as url:
        owner = await ctx.storage.users.get_or_create("cli", "owner")
        other = await ctx.storage.users.get_or_create("cli", "other")
        mine = (await apikeys.create(ctx, owner.id, "tests"))["apiKey"]
        theirs = (await apikeys.create(ctx, other.id))["apiKey"]
        async with httpx.AsyncClient(base_url=url, timeout=60) as http:
            assert "Bearer" in error_of(await http.get(f"{BASE}/voices"), 401, "unauthorized")
            error_of(
                await http.get(f"{BASE}/voices", headers={"Authorization": "Bearer vb_nope"}),
                401,
                "unauthorized",
            )
            me = {"Authorization": f"Bearer {mine}"}
            them = {"Authorization": f"Bearer {theirs}"}

            shown = (await http.get("/v2/consent", params={"language": "de"}, headers=me)).json()
            assert (
                shown["language"] == "de"
                and shown["accepted"] is False
                and shown["statement"].startswith("Bevor")
            )
            wrong = await http.post(
                "/v2/consent", json={"version": shown["version"], "hash": "x", "accepted": True}, headers=me
            )
            assert "GET /v2/consent" in error_of(wrong, 400, "invalid_request")
            typed = await http.post("/v2/consent", json={"version": 1, "accepted": "yes"}, headers=me)
            error_of(typed, 422, "invalid_request")
            given = await http.post(
                "/v2/consent",
                json={"version": shown["version"], "hash": shown["hash"], "accepted": True},
                headers=me,
            )
            assert given.json() == {"accepted": True, "version": shown["version"]}
            assert (await http.get("/v2/consent", headers=me)).json()["accepted"] is True

            voice_id = (
                await jobs.wait_result(
                    ctx, owner.id, (await submit(ctx, owner.id, "Mine", uploads()))["jobId"]
                )
            )["voiceId"]
            listed = (await http.get(f"{BASE}/voices", headers=me)).json()["voices"]
            assert [(v["voiceId"], v["voiceName"], v["status"]) for v in listed] == [
                (voice_id, "Mine", "completed")
            ]
            assert (await http.get(f"{BASE}/voices", headers=them)).json() == {"voices": []}
            status = (await http.get(f"{BASE}/{voice_id}/status", headers=me)).json()
            assert status["status"] == "completed" and status["trainingProgress"]["percentComplete"] == 100.0
            error_of(await http.get(f"{BASE}/{voice_id}/status", headers=them), 404, "not_found")
            error_of(await http.delete(f"{BASE}/{voice_id}", headers=them), 404, "not_found")
            assert await ctx.storage.voices.get(owner.id, voice_id) is not None  # untouched

            error_of(await http.get("/v2/nowhere", headers=me), 404, "not_found")
            big = await http.post(
                "/v2/consent", content=b"x" * (2 * 2**20), headers=me | {"content-type": "application/json"}
            )
            error_of(big, 413, "file_too_large")

            async def chunks():  # no declared length: counted as it comes
                for _ in range(40):
                    yield b"x" * 65536

            streamed = await http.post(
                "/v2/consent", content=chunks(), headers=me | {"content-type": "application/json"}
            )
            error_of(streamed, 413, "file_too_large")

            gone = await http.delete(f"{BASE}/{voice_id}", headers=me)
            assert gone.status_code == 204 and gone.content == b""
            error_of(await http.get(f"{BASE}/{voice_id}/status", headers=me), 404, "not_found")
            revoked = (await http.delete("/v2/consent", headers=me)).json()
            assert revoked == {"revoked": True, "voicesDeleted": 0}

            key_id = (await apikeys.listed(ctx, owner.id))["keys"][0]["keyId"]
            await apikeys.revoke(ctx, owner.id, key_id)
            dead = await http.get(f"{BASE}/voices", headers=me)
            error_of(dead, 401, "unauthorized")  # a revoked key is dead
        rows = await ctx.storage.conn.execute_fetchall("SELECT key_hash FROM api_keys")
        assert mine not in str(rows) and theirs not in str(rows)  # only hashes are kept


async def test_the_runtime_service_serves_until_stopped(tmp_path):
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    sock.close()
    async with open_context(load_config(data_dir=tmp_path)) as ctx:
        stop = asyncio.Event()
        running = asyncio.create_task(service(ctx, HttpConfig(port=port, max_body_mb=1))(stop))
        async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}", timeout=10) as http:
            async with asyncio.timeout(60):
                while True:  # until uvicorn has bound the port
                    try:
                        answered = await http.get(f"{BASE}/voices")
                        break
                    except httpx.ConnectError:
                        await asyncio.sleep(0.05)  # uvicorn gives no event to wait on
        error_of(answered, 401, "unauthorized")
        stop.set()
        await asyncio.wait_for(running, 30)
        assert running.done() and running.exception() is None


async def test_create_with_a_read_challenge_then_speak_and_fetch_the_audio(tmp_path):
    async with open_context(load_config(data_dir=tmp_path)) as ctx, serving(ctx) as url:
        worker = Worker(ctx.engine.queue, runners(ctx), poll_s=0.05, register=False)
        working = asyncio.create_task(worker.run())
        owner = await ctx.storage.users.get_or_create("cli", "owner")
        other = await ctx.storage.users.get_or_create("cli", "other")
        me = {"Authorization": f"Bearer {(await apikeys.create(ctx, owner.id))['apiKey']}"}
        them = {"Authorization": f"Bearer {(await apikeys.create(ctx, other.id))['apiKey']}"}
        samples = [
            {"audioBase64": base64.b64encode(p.read_bytes()).decode()} for p in clips("allison_en")[:4]
        ]
        try:
            async with httpx.AsyncClient(base_url=url, timeout=120) as http:
                body = {"voiceName": "Allison", "voiceType": "instant", "audioSamples": samples}
                refused = await http.post(BASE, json=body, headers=me)
                assert "Accept this statement" in error_of(refused, 403, "consent_required")
                shown = (await http.get("/v2/consent", headers=me)).json()
                await http.post(
                    "/v2/consent",
                    json={"version": shown["version"], "hash": shown["hash"], "accepted": True},
                    headers=me,
                )
                unread = await http.post(BASE, json=body, headers=me)
                # voice-verified: the code must be read
                assert "challenge" in error_of(unread, 403, "consent_required")
                bad = await http.post(
                    BASE, json=body | {"audioSamples": [{"audioBase64": "%%%"}]}, headers=me
                )
                assert "base64" in error_of(bad, 422, "invalid_request")
                fetched = await http.post(
                    BASE, json=body | {"audioSamples": [{"audioUrl": "http://10.0.0.1/x"}]}, headers=me
                )
                error_of(fetched, 400, "invalid_request")

                challenge = (
                    await http.post("/v2/consent/challenge", params={"language": "en"}, headers=me)
                ).json()
                read = reading(code_in(challenge["sentence"]), tmp_path).read_bytes()
                recording = {
                    "challengeId": challenge["challengeId"],
                    "audioBase64": base64.b64encode(read).decode(),
                }
                created = (
                    await http.post(BASE, json=body | {"consentRecording": recording}, headers=me)
                ).json()
                assert created["status"] == "processing" and created["voiceName"] == "Allison", created
                voice_id = created["voiceId"]
                await jobs.wait_result(ctx, owner.id, created["jobId"])  # the worker trains it
                assert (await http.get(f"{BASE}/{voice_id}/status", headers=me)).json()[
                    "status"
                ] == "completed"

                said = await http.post(
                    f"{BASE}/{voice_id}/speak",
                    json={"text": "Hello from the API.", "outputFormat": "wav", "sampleRate": 22050},
                    headers=me,
                )
                spoken = said.json()
                assert said.status_code == 200 and set(spoken) == {
                    "audioUrl", "duration", "text", "voiceId", "format", "sampleRate", "generatedAt"
                }  # fmt: skip
                assert (
                    spoken["format"] == "wav" and spoken["sampleRate"] == 22050 and spoken["duration"] > 0.5
                )
                audio = await http.get(spoken["audioUrl"])  # the signed link works as the contract's does
                assert audio.status_code == 200 and audio.headers["content-type"] == "audio/wav"
                assert audio.content[:4] == b"RIFF"
                bare = spoken["audioUrl"].split("?")[0]
                assert (await http.get(bare, headers=me)).content == audio.content  # or the owner's key
                error_of(await http.get(bare, headers=them), 404, "not_found")  # owner only
                error_of(await http.get(bare), 401, "unauthorized")
                owner_part, expires, signature = spoken["audioUrl"].split("token=")[1].split(".")
                for forged in (
                    f"{other.id}.{expires}.{signature}",
                    f"{owner_part}.{int(expires) + 9}.{signature}",
                ):
                    error_of(await http.get(bare, params={"token": forged}), 404, "not_found")
                stolen = await http.post(f"{BASE}/{voice_id}/speak", json={"text": "Mine now."}, headers=them)
                error_of(stolen, 404, "not_found")
                long = await http.post(f"{BASE}/{voice_id}/speak", json={"text": "x" * 5001}, headers=me)
                error_of(long, 422, "invalid_request")
        finally:
            worker.stop()
            await asyncio.wait_for(working, 60)


async def test_the_openapi_schema_names_every_path_of_the_contract(tmp_path):
    async with open_context(load_config(data_dir=tmp_path)) as ctx, serving(ctx) as url:
        async with httpx.AsyncClient(base_url=url) as http:
            schema = (await http.get("/openapi.json")).json()
    paths = set(schema["paths"])
    assert {
        BASE, f"{BASE}/{{voice_id}}/status", f"{BASE}/{{voice_id}}/speak", f"{BASE}/voices",
        f"{BASE}/{{voice_id}}",
        f"{BASE}/batch-speak", f"{BASE}/batch/{{batch_id}}", f"{BASE}/batch/{{batch_id}}/zip",
        f"{BASE}/jobs/{{job_id}}/cancel", "/v2/consent", "/v2/consent/challenge",
        "/v1/audio/speech", "/v1/models", "/v1/audio/voices",
    } <= paths  # fmt: skip
    create = schema["components"]["schemas"]["CreateVoice"]["properties"]
    assert {"voiceName", "audioSamples", "language", "voiceType", "trainingOptions"} <= set(create)
