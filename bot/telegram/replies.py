"""Plain replies from the handlers, sent the Telegram way."""

from __future__ import annotations

from collections.abc import Sequence

from aiogram import Bot
from aiogram.types import CallbackQuery, InlineKeyboardButton, InlineKeyboardMarkup, Message

from bot.telegram.send import retrying
from handlers.chat import Reply, Sender


def sender_of(message: Message) -> Sender:
    user = message.from_user
    assert user is not None
    return Sender("telegram", str(user.id), str(message.chat.id), user.language_code)


def sender_of_query(query: CallbackQuery) -> Sender:
    """Who pressed a button, and in which chat."""
    user = query.from_user
    chat_id = query.message.chat.id if query.message else user.id
    return Sender("telegram", str(user.id), str(chat_id), user.language_code)


async def addressed(message: Message, bot: Bot) -> bool:
    """In a private chat, everything; in a group, only commands written to this bot (/cmd@name)."""
    if message.chat.type == "private":
        return True
    first = (message.text or message.caption or "").split(maxsplit=1)[0:1]
    me = await bot.me()
    return bool(first) and first[0].startswith("/") and first[0].lower().endswith(f"@{me.username}".lower())


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


async def answer_button(query: CallbackQuery, reply: Reply) -> None:
    """Acknowledge the press, take the buttons away (one choice per message), then reply."""
    await query.answer()
    if query.message is not None:
        await query.message.edit_reply_markup(reply_markup=None)
    chat_id = int(sender_of_query(query).chat_id)
    await retrying(query.bot.send_message, chat_id, reply.text, reply_markup=keyboard(reply))
