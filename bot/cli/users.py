"""``voicebot user forget --owner …``: the operator's side of "forget me" — a person on Telegram or
Discord (``telegram:ID``, ``discord:ID``) or a CLI user by name, with every linked account."""

from __future__ import annotations

import argparse
import asyncio
import re
from typing import Any

from bot.cli.output import emit, fail
from bot.config import Config

OWNER = re.compile(r"^(?:(telegram|discord):(\d{1,20})|([\w.@-]{1,64}))$")


def add_commands(commands: Any) -> None:
    user = commands.add_parser("user", help="the operator's side of a person's data")
    actions = user.add_subparsers(dest="action", required=True, metavar="ACTION")
    forget = actions.add_parser("forget", help="erase a person: every row and file, on every linked account")
    forget.add_argument("--owner", required=True, help="telegram:ID, discord:ID, or a CLI user's name")
    forget.add_argument("--yes", action="store_true", help="confirm: this cannot be undone")


def run_users(args: argparse.Namespace, config: Config) -> int:
    match = OWNER.match(args.owner)
    if match is None:
        return fail("invalid_request", "--owner is telegram:ID, discord:ID or a CLI user's name.")
    if not args.yes:
        return fail("invalid_request", "This erases everything kept for that person; add --yes.")
    platform, platform_id = (match.group(1), match.group(2)) if match.group(1) else ("cli", match.group(3))
    return asyncio.run(_forget(config, platform, platform_id))


async def _forget(config: Config, platform: str, platform_id: str) -> int:
    from bot.app import open_context
    from handlers import privacy

    async with open_context(config) as ctx:
        user = await ctx.storage.users.find(platform, platform_id)
        if user is None:
            return fail("not_found", f"Nobody is known as {platform}:{platform_id}.")
        emit(await privacy.forget(ctx, user.id))
    return 0
