"""Who is talking, and the handlers' replies sent the Discord way: buttons as a view (5 rows of 5),
Telegram's command names said as Discord's, every interaction acknowledged in time."""

from __future__ import annotations

import asyncio
import logging
import re
from collections.abc import Awaitable, Sequence
from pathlib import Path
from typing import Any

import discord

from handlers import account
from handlers.chat import Queued, Reply, Sender
from handlers.delivery import Deliveries
from handlers.errors import Refusal
from handlers.messages import catalog, t, unexpected

log = logging.getLogger("voicebot.discord")
MAX_ROWS = 5  # a message holds 5 rows of at most 5 buttons; a label at most 80 characters
MAX_TEXT = 2000  # characters in one message
ACK_S = 1.0  # a reply not ready by then is deferred ("thinking…"): Discord allows 3 s
# The catalog names Telegram's commands; here they are these (then in the person's language).
_COMMANDS = {
    "start": "consent",
    "newvoice": "voice create",
    "samples": "voice samples",
    "train": "voice train",
    "voices": "voice list",
    "status": "jobs",
    "cancel": "jobs",
}
_GROUPS = {"voice", "server"}  # commands with subcommands
_NAMED = re.compile(r"(?<![\w/:.])/([a-z]+)(?: ([a-z]+))?(?: <name>)?")


def command(path: str, locale: str | None) -> str:
    """A command as the person sees it in Discord: "voice create" -> "/voix créer" in French."""
    return "/" + " ".join(t(locale, f"name.{part}") for part in path.split())


def over_limit(size: int, limit: int, locale: str | None, key: str) -> str | None:
    """Why a file of ``size`` bytes cannot be uploaded where ``limit`` holds (``key``: the catalog's
    sentence), or None when it can."""
    if size <= limit:
        return None
    return t(locale, key, mb=f"{size / 2**20:.3g}", limit=f"{limit / 2**20:.3g}")


def said(text: str, locale: str | None = None) -> str:
    """A catalog sentence as said on Discord: its command names Discord's, in the person's
    language, within one message's length."""

    def named(match: re.Match[str]) -> str:
        first, second = match.group(1), match.group(2)
        path = _COMMANDS.get(first, first)
        rest = ""
        if second and path in _GROUPS:
            path = f"{path} {second}"
        elif second:
            rest = f" {second}"
        if any(f"name.{part}" not in catalog("en") for part in path.split()):
            return match.group(0)  # not one of our commands
        return command(path, locale) + rest

    return _NAMED.sub(named, text)[:MAX_TEXT]


async def sender_of(ctx: Any, interaction: discord.Interaction) -> Sender:
    """The person and the channel behind an interaction, in the reply language they chose, if any."""
    channel = interaction.channel_id or interaction.user.id
    server = str(interaction.guild_id) if interaction.guild_id else None
    # answers to commands are ephemeral (``Answer``): only the person sees them
    raw = Sender("discord", str(interaction.user.id), str(channel), str(interaction.locale), server, True)
    return await account.resolve(ctx, raw)


def view_of(reply: Reply) -> discord.ui.View | None:
    if not reply.buttons:
        return None
    rows = [list(line) for line in reply.buttons]
    if len(rows) > MAX_ROWS or any(len(line) > MAX_ROWS for line in rows):  # Discord: 5 rows of 5
        flat = [button for line in rows for button in line][: MAX_ROWS * MAX_ROWS]
        rows = [flat[i : i + MAX_ROWS] for i in range(0, len(flat), MAX_ROWS)]
    view = discord.ui.View(timeout=None)
    for row, line in enumerate(rows):
        for button in line:
            view.add_item(discord.ui.Button(label=button.label[:80], custom_id=button.action.pack(), row=row))
    return view


class Answer:
    """One interaction's answer: deferred if the use case takes longer than ``ACK_S``, then the
    replies (the first as the response, the rest as followups)."""

    def __init__(self, interaction: discord.Interaction, private: bool) -> None:
        self.interaction, self.private = interaction, private
        self._lock = asyncio.Lock()  # the late defer and the first reply never race
        self._timer: asyncio.Task | None = None

    async def __aenter__(self) -> Answer:
        self._timer = asyncio.create_task(self._defer_late())
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self._stop_timer()

    async def _defer_late(self) -> None:
        await asyncio.sleep(ACK_S)
        async with self._lock:
            if not self.interaction.response.is_done():
                await self.interaction.response.defer(thinking=True, ephemeral=self.private)

    async def _stop_timer(self) -> None:
        async with self._lock:  # a defer under way finishes first
            if self._timer is not None:
                self._timer.cancel()

    async def send(self, replies: Reply | Sequence[Reply]) -> None:
        await self._stop_timer()
        for reply in [replies] if isinstance(replies, Reply) else replies:
            view = view_of(reply)
            extra: dict[str, Any] = {"view": view} if view is not None else {}
            text = said(reply.text, str(self.interaction.locale))  # names as this client shows them
            if reply.file is not None:
                text, extra = self._attached(reply, text, extra)
            if not self.interaction.response.is_done():
                await self.interaction.response.send_message(text, ephemeral=self.private, **extra)
            else:  # after a defer, the first followup takes the place of "thinking…"
                await self.interaction.followup.send(text, ephemeral=self.private, **extra)

    def _attached(self, reply: Reply, text: str, extra: dict[str, Any]) -> tuple[str, dict[str, Any]]:
        """The reply's file with it, or in its place the reason it cannot go (over the limit)."""
        assert reply.file is not None
        path, name = reply.file
        size, limit = Path(path).stat().st_size, self.interaction.filesize_limit
        refused = over_limit(size, limit, str(self.interaction.locale), "discord.file_too_large")
        if refused is not None:
            return refused, extra
        return text, extra | {"file": discord.File(path, filename=name)}


async def answer(
    ctx: Any,
    interaction: discord.Interaction,
    work: Reply | Awaitable[Reply | Sequence[Reply]],
    private: bool = True,
) -> None:
    """Run a use case (or take its ready reply) and answer with its replies; a refusal is the
    answer, anything else is logged and said as a general error in the person's language."""
    async with Answer(interaction, private and interaction.guild_id is not None) as out:
        await out.send(work if isinstance(work, Reply) else await _guarded(ctx, interaction, work))


async def answer_queued(
    ctx: Any, interaction: discord.Interaction, work: Awaitable[Queued], deliveries: Deliveries, outlet: Any
) -> None:
    """A use case that queues a job: its reply (if any) is the answer, edited with the progress; the
    outcome follows through the interaction while its token lasts, then in the channel or a DM."""
    async with Answer(interaction, False) as out:
        try:
            queued = await work
        except Exception as exc:
            await out.send(await _failed(ctx, interaction, exc))
            return
        outlet.asked(queued.job_id, interaction)
        if queued.reply is not None:
            await out.send(queued.reply)
            deliveries.follow(queued, interaction)  # its answer is the message edited with progress
        else:
            await out.send(Reply(t(await _locale(ctx, interaction), "speak.working")))
            deliveries.follow(queued)


async def _guarded(ctx: Any, interaction: discord.Interaction, work: Awaitable[Any]) -> Any:
    try:
        return await work
    except Exception as exc:
        return await _failed(ctx, interaction, exc)


async def _failed(ctx: Any, interaction: discord.Interaction, exc: Exception) -> Reply:
    if isinstance(exc, Refusal):
        return Reply(exc.message)
    log.error("command %s failed", interaction.command and interaction.command.name, exc_info=exc)
    return Reply(unexpected(await _locale(ctx, interaction), exc))


async def _locale(ctx: Any, interaction: discord.Interaction) -> str | None:
    return (await sender_of(ctx, interaction)).locale
