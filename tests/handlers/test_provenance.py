"""Every generated file is marked AI-generated in its own metadata, in every format, and ``verify``
knows it: when for anyone, the voice only for its owner; real speech is not taken for ours."""

from __future__ import annotations

from pathlib import Path

from bot.app import open_context
from bot.config import load_config
from engine.speech import provenance
from engine.speech.render import SpeechOptions
from handlers import jobs, speech
from handlers.provenance import verify
from tests.audio import RATE, clips, encode, load
from tests.voices import submit, uploads

FORMATS = [("mp3", 44100), ("wav", 22050), ("flac", 44100), ("ogg", 48000), ("ogg", 44100)]


async def test_every_format_carries_the_marking_and_verify_tells_owner_and_stranger_apart(tmp_path):
    async with open_context(load_config(data_dir=tmp_path)) as ctx:
        owner = await ctx.storage.users.get_or_create("cli", "owner")
        stranger = await ctx.storage.users.get_or_create("cli", "stranger")
        voice_id = (
            await jobs.wait_result(ctx, owner.id, (await submit(ctx, owner.id, "v", uploads()))["jobId"])
        )["voiceId"]
        for fmt, rate in FORMATS:
            options = SpeechOptions(output_format=fmt, sample_rate=rate)
            queued = await speech.submit_speech(
                ctx, owner.id, voice_id, "Marked as made by a machine.", options
            )
            result = await jobs.wait_result(ctx, owner.id, queued["jobId"])
            path = Path(result["path"])
            marking = provenance.read(path)
            assert marking["ai_generated"] == "true" and marking["voicebot_voice"] == voice_id, fmt
            assert marking["digital_source_type"].endswith("trainedAlgorithmicMedia")
            mine = await verify(ctx, path, owner.id)
            assert (
                mine["generatedHere"] and mine["voiceId"] == voice_id and mine["matchedBy"] == "fingerprint"
            )
            theirs = await verify(ctx, path, stranger.id)
            assert theirs["generatedHere"] and "voiceId" not in theirs and "generationId" not in theirs

        copy = tmp_path / "copy.bin"  # the same bytes under another name: still known
        copy.write_bytes(path.read_bytes())  # noqa: ASYNC240 — a test's few bytes
        assert (await verify(ctx, copy, None))["generatedHere"]
        for real in clips("allison_en")[:3] + clips("carlo_it")[:3]:  # real speech is not ours
            said = await verify(ctx, real, owner.id)
            assert said["generatedHere"] is False and said["markedAiGenerated"] is False
            assert said["watermark"] is not True


async def test_a_reencoded_file_without_its_metadata_is_still_known_as_generated(tmp_path):
    """What a chat app does to a file (Opus 32 kb/s, tags dropped) leaves the watermark: verify
    says it is AI-generated though it cannot say which generation; real speech is not."""
    async with open_context(load_config(data_dir=tmp_path)) as ctx:
        owner = await ctx.storage.users.get_or_create("cli", "owner")
        voice_id = (
            await jobs.wait_result(ctx, owner.id, (await submit(ctx, owner.id, "v", uploads()))["jobId"])
        )["voiceId"]
        options = SpeechOptions(output_format="wav", sample_rate=22050)
        text = "This sentence was made by a machine, and the mark it carries says so."
        queued = await speech.submit_speech(ctx, owner.id, voice_id, text, options)
        path = Path((await jobs.wait_result(ctx, owner.id, queued["jobId"]))["path"])
        converted = encode(
            load(path), tmp_path / "forwarded.ogg", "-map_metadata", "-1", "-c:a", "libopus", "-b:a", "32k"
        )
        assert provenance.read(converted) == {}
        said = await verify(ctx, converted, owner.id)
        assert said == {"generatedHere": False, "markedAiGenerated": False, "watermark": True}
        real = next(p for p in clips("carlo_it") if len(load(p)) > 3 * RATE)
        assert (await verify(ctx, real, owner.id))["watermark"] is False
