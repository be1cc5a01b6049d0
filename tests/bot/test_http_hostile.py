"""The hostile corpus (tests/hostile.py) through the HTTP API, as base64 and as ``audioUrl``, with
``Accept-Language: fr``: each bad sample is left out with its reason in French (or the request is
refused in French when nothing is left), the voice is made from the honest ones only, and every bad
text is refused in French; the server answers throughout."""

from __future__ import annotations

import asyncio
import base64
import socket
import urllib.parse
from contextlib import asynccontextmanager

import httpx
from aiohttp import web

from bot.app import open_context
from bot.config import load_config
from engine.jobs.worker import Worker
from handlers import apikeys, consent, jobs
from handlers.jobs import runners
from tests.audio import clips, code_in, reading
from tests.bot.http_harness import error_of, serving
from tests.hostile import TEXTS, peak_mib, says

BASE = "/v2/ai/voice-cloning"
FRENCH = {"Accept-Language": "fr-FR, fr;q=0.9"}


@asynccontextmanager
async def upstream(files: dict[str, bytes]):
    """The corpus served on 127.0.0.1 under its own (quoted) names."""

    async def serve(request: web.Request) -> web.Response:
        return web.Response(body=files[request.match_info["name"]])

    app = web.Application(client_max_size=64 * 2**20)
    app.router.add_get("/{name}", serve)
    runner = web.AppRunner(app)
    await runner.setup()
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    await web.SockSite(runner, sock).start()
    try:
        yield f"http://127.0.0.1:{sock.getsockname()[1]}"
    finally:
        await runner.cleanup()


async def _create(http, me, tmp_path, samples: list[dict]) -> httpx.Response:
    challenge = (await http.post("/v2/consent/challenge", params={"language": "en"}, headers=me)).json()
    read = reading(code_in(challenge["sentence"]), tmp_path).read_bytes()
    body = {
        "voiceName": f"Voix {len(samples)}-{challenge['challengeId'][-6:]}",
        "voiceType": "instant",
        "audioSamples": samples,
        "consentRecording": {
            "challengeId": challenge["challengeId"],
            "audioBase64": base64.b64encode(read).decode(),
        },
    }
    return await http.post(BASE, json=body, headers=me | FRENCH)


async def test_http_leaves_out_every_hostile_sample_in_french_and_refuses_every_bad_text(tmp_path, corpus):
    fetching = {"fetch_urls": True, "fetch_hosts": ["127.0.0.1"], "fetch_private": True, "fetch_max_mb": 30}
    honest = clips("allison_en")[:4]
    sent = [u for u in corpus if u.declared_size is None]  # the oversized one goes alone
    (oversized,) = [u for u in corpus if u.declared_size is not None]
    async with (
        open_context(load_config(data_dir=tmp_path)) as ctx,
        serving(ctx, **fetching) as url,
        upstream({u.name: u.data for u in corpus}) as host,
        httpx.AsyncClient(base_url=url, timeout=300) as http,
    ):
        worker = Worker(ctx.engine.queue, runners(ctx), poll_s=0.05, register=False)
        working = asyncio.create_task(worker.run())
        owner = await ctx.storage.users.get_or_create("cli", "owner")
        shown = await consent.shown_to(ctx, owner.id, "fr")
        await consent.accept_shown(ctx, owner.id, shown["version"], shown["hash"], True, "api")
        me = {"Authorization": f"Bearer {(await apikeys.create(ctx, owner.id))['apiKey']}"}
        try:
            good = [{"audioBase64": base64.b64encode(p.read_bytes()).decode()} for p in honest]
            warm = await _create(http, me, tmp_path, good)  # the models loaded before memory is watched
            await jobs.wait_result(ctx, owner.id, warm.json()["jobId"])
            before = peak_mib()
            as_base64 = [{"audioBase64": base64.b64encode(u.data).decode()} for u in sent]
            as_url = [{"audioUrl": f"{host}/{urllib.parse.quote(u.name, safe='')}"} for u in sent]
            for samples in (as_base64, as_url):
                created = await _create(http, me, tmp_path, good + samples)
                assert created.status_code == 200, created.text
                answer = created.json()
                result = await jobs.wait_result(ctx, owner.id, answer["jobId"])
                left = {e["name"]: e for e in answer["leftOut"] + result["leftOut"]}
                for n, item in enumerate(sent, len(good) + 1):
                    entry = left.get(f"sample {n}")
                    if item.refused is None:
                        assert entry is None, (item.label, entry)
                    else:
                        assert entry and entry["code"] in item.refused, (item.label, entry)
                        assert any(says(entry["message"], k) for k in item.refused), (item.label, entry)
                status = (await http.get(f"{BASE}/{answer['voiceId']}/status", headers=me)).json()
                assert status["status"] == "completed", status

            alone = await _create(
                http, me, tmp_path, [{"audioBase64": base64.b64encode(oversized.data).decode()}]
            )
            assert says(error_of(alone, 400, "nothing_usable"), "file_too_large"), alone.text
            empty = await _create(http, me, tmp_path, [{"audioBase64": ""}])
            assert says(error_of(empty, 400, "nothing_usable"), "empty_file"), empty.text
            # 2 hours of silence decoded would be over 600 MiB; the JSON and base64 copies of ~40 MB
            # of samples take about 280 MiB
            assert peak_mib() - before < 450, peak_mib() - before

            voice_id = answer["voiceId"]
            for label, text, refusal in TEXTS:
                said = await http.post(
                    f"{BASE}/{voice_id}/speak",
                    json={"text": text, "outputFormat": "wav"},
                    headers=me | FRENCH,
                )
                if refusal is None:
                    assert said.status_code == 200, (label, said.text)
                else:
                    assert said.status_code in (400, 422), (label, said.text)  # the model's, or the rules'
                    assert says(error_of(said, said.status_code, "invalid_request"), refusal), (
                        label,
                        said.text,
                    )
            assert (await http.get("/v2/consent", headers=me)).status_code == 200  # still serving
        finally:
            worker.stop()
            await asyncio.wait_for(working, 60)
