"""Every button press: the action parsed, the use case from ``handlers.buttons``, the reply sent."""

from __future__ import annotations

from aiogram import Router
from aiogram.types import CallbackQuery

from bot.telegram.replies import answer_button
from handlers import buttons
from handlers.chat import Action, Sender
from handlers.context import Context


def router() -> Router:
    r = Router(name="buttons")
    r.callback_query.register(pressed)
    return r


async def pressed(query: CallbackQuery, ctx: Context, sender: Sender) -> None:
    await answer_button(query, await buttons.press(ctx, sender, Action.parse(query.data)), sender)
