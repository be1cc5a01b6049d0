"""Guided collection keeps the voice-name rule of the contract (1 to 64 characters), in the
person's language."""

from __future__ import annotations

import pytest

from bot.app import open_context
from bot.config import load_config
from handlers import collect, consent
from handlers.chat import Sender
from handlers.errors import Refusal


async def test_a_new_voice_name_follows_the_same_rule_as_the_api(tmp_path):
    sender = Sender("telegram", "1", "1", "it")
    async with open_context(load_config(data_dir=tmp_path)) as ctx:
        await consent.accept(ctx, sender)
        with pytest.raises(Refusal) as refused:
            await collect.new_voice(ctx, sender, "x" * 65)
        assert refused.value.message.startswith("Il nome di una voce ha da 1 a 64 caratteri")
        await collect.new_voice(ctx, sender, "  Mia   voce ")
        user = await consent.user_for(ctx, sender)
        assert [v.name for v in await ctx.storage.voices.list(user.id)] == ["Mia voce"]
