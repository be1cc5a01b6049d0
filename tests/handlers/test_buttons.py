"""Buttons: one typed action, packed and parsed back, and one table from action to use case."""

from __future__ import annotations

import pytest

from bot.app import open_context
from bot.config import load_config
from handlers import buttons, consent
from handlers.chat import Action, Sender
from storage.ids import new_id


def test_an_action_packs_and_parses_back_within_the_platforms_limit():
    action = Action.of("delete", new_id("voice"), "yes")
    assert Action.parse(action.pack()) == action and len(action.pack()) <= 64
    with pytest.raises(ValueError):
        Action.of("set", "x" * 70).pack()
    with pytest.raises(ValueError):
        Action.of("set", "a:b").pack()  # would not parse back
    assert Action.parse("") is None and Action.parse(None) is None


async def test_one_table_answers_every_button_and_refuses_the_unknown_in_the_persons_language(tmp_path):
    sender = Sender("telegram", "1", "1", "de")
    async with open_context(load_config(data_dir=tmp_path)) as ctx:
        offered = await consent.start(ctx, sender)
        accept = offered[-1].buttons[0][0].action
        assert accept == Action.of("consent", "accept")
        await buttons.press(ctx, sender, Action.parse(accept.pack()))
        user = await consent.user_for(ctx, sender)
        assert await ctx.storage.consents.active(user.id)
        for stale in ("gone:1", "delete", "tier:only-one"):
            reply = await buttons.press(ctx, sender, Action.parse(stale))
            assert reply.text == "Diese Schaltfläche funktioniert nicht mehr. Schick den Befehl noch einmal."
        refused = await buttons.press(ctx, sender, Action.of("renew", new_id("voice")))
        assert refused.text and not refused.buttons  # a refusal is the reply, nothing raised
