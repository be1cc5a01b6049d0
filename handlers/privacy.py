"""A person's own data: what was done with it (their audit log), and forgetting them entirely."""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import io
import json
import zipfile
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

from handlers.chat import Action, Button, Reply, Sender
from handlers.context import Context
from handlers.messages import t
from handlers.voices import voice_json


async def history(ctx: Context, owner_id: int) -> dict[str, Any]:
    """Every recorded action on the person's data, oldest first (consents, voices, samples …)."""
    entries = await ctx.storage.audit.for_user(owner_id)
    return {
        "entries": [
            {
                "action": e.action,
                "subject": e.subject,
                "at": e.created_at,
                "detail": json.loads(e.detail) if e.detail else {},
            }
            for e in entries
        ]
    }


async def forget(ctx: Context, owner_id: int) -> dict[str, Any]:
    """Everything the person owns, on every account linked to theirs: voices (with their jobs' files
    and loaded copies), samples, speech, jobs, settings, consents, receipts, their audit rows; one
    anonymous line says when (``storage.deletion`` lists every table and how it goes)."""
    accounts = await ctx.storage.users.linked(owner_id)
    voices = 0
    for account in accounts:
        for voice in await ctx.storage.voices.list(account):
            voices += await ctx.delete_voice(account, voice.id)
        await ctx.storage.delete_user(account)
    await ctx.storage.audit.log(None, "user.erased", None, accounts=len(accounts))
    return {"forgotten": True, "voices": voices, "accounts": len(accounts)}


async def forget_in_chat(ctx: Context, sender: Sender, confirmed: bool) -> Reply:
    """``/forgetme``: asks first (a button), then erases the person on every linked platform."""
    user = await ctx.storage.users.find(sender.platform, sender.user_id)
    if user is None:
        return Reply(t(sender.locale, "forget.nothing"))
    if not confirmed:
        yes = Button(t(sender.locale, "forget.yes"), Action.of("forget", "yes"))
        keep = Button(t(sender.locale, "voices.keep"), Action.of("forget", "keep"))
        return Reply(t(sender.locale, "forget.confirm"), ((yes, keep),))
    erased = await forget(ctx, user.id)
    return Reply(t(sender.locale, "forget.done", voices=erased["voices"], accounts=erased["accounts"]))


async def gather(ctx: Context, owner_id: int) -> tuple[dict[str, Any], list[Any]]:
    """Everything kept about the person, on every linked account (GDPR Art. 15 and 20): accounts
    and settings, consent records (statements and voice readings), voices, samples, receipts,
    history; and the files to copy, as (name in the archive, path)."""
    data: dict[str, list[Any]] = {
        k: [] for k in ("accounts", "consents", "voiceConsents", "voices", "samples", "receipts", "history")
    }
    kept: list[tuple[str, Path]] = []
    files = ctx.storage.files
    for account in await ctx.storage.users.linked(owner_id):
        user = await ctx.storage.users.get(account)
        if user is None:
            continue
        data["accounts"].append(
            {"platform": user.platform, "id": user.platform_user_id, "locale": user.locale,
             "createdAt": user.created_at, "settings": user.settings}
        )  # fmt: skip
        data["consents"] += [dataclasses.asdict(c) for c in await ctx.storage.consents.for_user(account)]
        for voice in await ctx.storage.voices.list(account):
            data["voices"].append(voice_json(voice))
            for sample in await ctx.storage.samples.list(account, voice.id):
                name = f"samples/{voice.id}/{sample.id}.flac"
                kept.append((name, files.sample_path(account, sample.id)))
                fields = dataclasses.asdict(sample)
                del fields["embedding"]  # bytes: the file's own numbers, not information about the person
                data["samples"].append(fields | {"file": name})
            if (reading := await ctx.storage.voice_consents.get(account, voice.id)) is not None:
                name = f"consent/{voice.id}.flac"
                kept.append((name, files.consent_path(account, voice.id)))
                fields = dataclasses.asdict(reading)
                del fields["embedding"]
                data["voiceConsents"].append(fields | {"file": name})
        data["receipts"] += [dataclasses.asdict(g) for g in await ctx.storage.generations.for_owner(account)]
        data["history"] += (await history(ctx, account))["entries"]
    return data, kept


def _zip(ctx: Context, owner_id: int, data: dict[str, Any], kept: list[tuple[str, Path]]) -> Path:
    """Written under the person's own folder: a crash before it is sent leaves nothing that
    forgetting them would not take."""
    files = ctx.storage.files
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("data.json", json.dumps(data, ensure_ascii=False, indent=2, default=str))
        for name, source in kept:
            if source.exists():
                archive.writestr(name, files.read(source))
    return files.write(files.export_path(owner_id, "mydata"), buffer.getvalue())


@contextlib.asynccontextmanager
async def my_data(ctx: Context, sender: Sender) -> AsyncIterator[Reply]:
    """``/mydata``: a reply carrying the zip of everything kept about the person; the zip is removed
    once the adapter has sent it (when the ``async with`` ends)."""
    user = await ctx.storage.users.find(sender.platform, sender.user_id)
    if user is None:
        yield Reply(t(sender.locale, "forget.nothing"))
        return
    data, kept = await gather(ctx, user.id)
    path = await asyncio.to_thread(_zip, ctx, user.id, data, kept)
    await ctx.storage.audit.log(user.id, "data.exported", None, files=len(kept))
    try:
        yield Reply(
            t(sender.locale, "mydata.caption", voices=len(data["voices"])), file=(str(path), "mydata.zip")
        )
    finally:
        await asyncio.to_thread(ctx.storage.files.delete, path)
