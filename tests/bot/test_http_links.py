"""The HTTP API's download links and keys, below the server: a token names its owner and path and
stops at its expiry; a key made from a linked account is the primary person's."""

from __future__ import annotations

from bot.app import open_context
from bot.config import load_config
from bot.http import links
from handlers import apikeys
from handlers.chat import Sender


def test_a_link_is_its_owners_for_its_path_until_it_expires(tmp_path):
    key = links.load_key(tmp_path)
    assert links.load_key(tmp_path) == key and (tmp_path / "link.key").stat().st_mode & 0o777 == 0o600
    token = links.sign(key, 7, "/v2/ai/voice-cloning/audio/gen_a", 60)
    assert links.owner_of(key, token, "/v2/ai/voice-cloning/audio/gen_a") == 7
    assert links.owner_of(key, token, "/v2/ai/voice-cloning/audio/gen_b") is None  # another file
    assert links.owner_of(b"another server", token, "/v2/ai/voice-cloning/audio/gen_a") is None
    expired = links.sign(key, 7, "/v2/ai/voice-cloning/audio/gen_a", -1)
    assert links.owner_of(key, expired, "/v2/ai/voice-cloning/audio/gen_a") is None
    assert links.owner_of(key, "not.a.token", "/x") is None and links.owner_of(key, "", "/x") is None


async def test_a_key_asked_on_a_linked_account_is_the_primary_persons(tmp_path):
    async with open_context(load_config(data_dir=tmp_path)) as ctx:
        primary = await ctx.storage.users.get_or_create("telegram", "1")
        alias = await ctx.storage.users.own("discord", "2")
        await ctx.storage.users.link(alias.id, primary.id)
        reply = await apikeys.in_chat(ctx, Sender("discord", "2", "dm", "en", None, True), "laptop")
        secret = reply.text.split(": ", 1)[1].split()[0]
        assert await apikeys.owner_of(ctx, secret) == primary.id
