"""Plain replies from the handlers, sent the Telegram way."""

from __future__ import annotations

from collections.abc import Sequence

from aiogram.types import InlineKeyboardButton, InlineKeyboardMarkup, Message

from bot.telegram.send import retrying
from handlers.chat import Reply, Sender


def sender_of(message: Message) -> Sender:
    user = message.from_user
    assert user is not None
    return Sender("telegram", str(user.id), str(message.chat.id), user.language_code)


def keyboard(reply: Reply) -> InlineKeyboardMarkup | None:
    if not reply.buttons:
        return None
    rows = [
        [InlineKeyboardButton(text=b.label, callback_data=b.action) for b in row] for row in reply.buttons
    ]
    return InlineKeyboardMarkup(inline_keyboard=rows)


async def answer(message: Message, replies: Reply | Sequence[Reply]) -> None:
    for reply in [replies] if isinstance(replies, Reply) else replies:
        await retrying(message.answer, reply.text, reply_markup=keyboard(reply))
