"""The reference's own Python examples (``tests/data/reference/examples.py.txt``), their ``requests``
code unchanged but for the placeholders, run against the real server and worker: create with
status polling, speak and download, list, batch, delete."""

from __future__ import annotations

import asyncio
import sys
from pathlib import Path

import soundfile

from bot.app import open_context
from bot.config import Config
from engine.jobs.worker import Worker
from handlers import apikeys, consent
from handlers.jobs import runners
from tests.audio import RATE, joined
from tests.bot.http_harness import serving

EXAMPLES = Path(__file__).parents[1] / "data" / "reference" / "examples.py.txt"
# The examples poll every 30 s; the client's clock is not the server's business: cap its sleeps.
QUICK_SLEEP = "import time\n_sleep = time.sleep\ntime.sleep = lambda s: _sleep(min(s, 0.2))\n"


async def test_the_reference_examples_run_as_written(tmp_path):
    config = Config.model_validate(
        {"storage": {"data_dir": str(tmp_path / "data")}, "consent": {"policy": "text"}}
    )
    client = tmp_path / "client"
    client.mkdir()
    for n in range(3):  # the examples' sample1.wav … sample3.wav: a standard voice's minute of speech
        soundfile.write(client / f"sample{n + 1}.wav", joined("allison_en", 30, start=n * 5), RATE)
    (client / "sitecustomize.py").write_text(QUICK_SLEEP)
    async with open_context(config) as ctx, serving(ctx) as url:
        owner = await ctx.storage.users.get_or_create("cli", "owner")
        shown = await consent.shown_to(ctx, owner.id, "en")  # given once, as GET/POST /v2/consent do
        await consent.accept_shown(ctx, owner.id, shown["version"], shown["hash"], True, "api")
        key = (await apikeys.create(ctx, owner.id))["apiKey"]
        script = (
            EXAMPLES.read_text()
            .replace("https://api.tensorone.ai", url)
            .replace("YOUR_API_KEY", key)
            .replace('"voice_abc123_def456"', "voice_id")  # the example id: the one just created
        )
        worker = Worker(ctx.engine.queue, runners(ctx), poll_s=0.05, register=False)
        working = asyncio.create_task(worker.run())
        try:
            run = await asyncio.create_subprocess_exec(
                sys.executable, "-c", script, cwd=client, env={"PYTHONPATH": str(client)},
                stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.STDOUT,
            )  # fmt: skip
            output = (await asyncio.wait_for(run.communicate(), 600))[0].decode()
        finally:
            worker.stop()
            await asyncio.wait_for(working, 60)
    assert run.returncode == 0, output
    for said in (
        "Voice cloning started: voice_",
        "Audio quality: pending",
        "Voice cloning completed!",
        "Speech generated and saved!",
        "Found 1 voice clones:",
        "Batch job started: job_",
        "Voice clone deleted successfully",
    ):
        assert said in output, output
    speech, rate = soundfile.read(client / "generated_speech.mp3")
    assert len(speech) / rate > 2.0  # the podcast line, really spoken
