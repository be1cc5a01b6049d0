"""Speaking with a voice: text and options in, an audio file and the contract's speech JSON out."""

from __future__ import annotations

import asyncio
import io
import zipfile
from typing import Any

import numpy as np

from engine.errors import InvalidRequestError
from engine.render import SpeechOptions, render
from handlers.context import Context
from handlers.errors import Refusal


async def speak(
    ctx: Context, owner_id: int, voice_id: str, text: str, options: SpeechOptions, language: str | None = None
) -> dict[str, Any]:
    voice = await ctx.storage.voices.get_usable(owner_id, voice_id)
    if voice is None:
        raise Refusal("not_found", "No ready voice with that id among yours.")
    language = language or voice.languages[0]
    prepared = await ctx.load_voice(owner_id, voice_id)

    def make() -> tuple[bytes, float]:
        chunks = list(ctx.backend.synthesize(prepared, text, language, options))
        audio = np.concatenate([c.audio for c in chunks])
        data = render(audio, chunks[0].rate, options)
        return data, len(audio) / chunks[0].rate / options.speed

    try:
        data, duration = await asyncio.to_thread(make)
    except InvalidRequestError as exc:
        raise Refusal(exc.code, exc.message) from None
    receipt = await ctx.storage.generations.record(
        owner_id,
        voice_id,
        text_chars=len(text),
        duration=duration,
        format=options.output_format,
        sample_rate=options.sample_rate,
    )
    path = ctx.storage.files.output_path(owner_id, receipt.id, options.output_format)
    ctx.storage.files.write(path, data)
    return {
        "audioUrl": path.as_uri(),
        "path": str(path),
        "duration": round(duration, 2),
        "text": text,
        "voiceId": voice_id,
        "format": options.output_format,
        "sampleRate": options.sample_rate,
        "emotion": options.emotion,
        "generatedAt": receipt.created_at,
    }


MAX_BATCH = 100


async def batch(
    ctx: Context,
    owner_id: int,
    voice_id: str,
    texts: list[str],
    options: SpeechOptions,
    language: str | None = None,
) -> dict[str, Any]:
    """Many texts for one voice: one file each (named by position, never by user input) and a zip.

    Runs the texts one after another here; the job queue (next issue) will run them as one job."""
    texts = [t for t in (t.strip() for t in texts) if t]
    if not texts:
        raise Refusal("invalid_request", "the batch has no text")
    if len(texts) > MAX_BATCH:
        raise Refusal(
            "invalid_request", f"a batch holds at most {MAX_BATCH} texts; this one has {len(texts)}"
        )
    items = []
    for index, text in enumerate(texts, 1):
        result = await speak(ctx, owner_id, voice_id, text, options, language)
        items.append(result | {"filename": f"speech_{index:03d}.{options.output_format}"})

    def pack() -> bytes:
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_STORED) as archive:
            for item in items:
                archive.write(item["path"], item["filename"])
        return buffer.getvalue()

    # The zip is handed to the caller (a file for the CLI, a document in chat), not kept: the items are.
    return {
        "voiceId": voice_id,
        "format": options.output_format,
        "sampleRate": options.sample_rate,
        "count": len(items),
        "items": items,
        "zipData": await asyncio.to_thread(pack),
    }
