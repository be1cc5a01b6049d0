"""Who is talking (injected as ``sender``), whether the bot is addressed, and plain replies from the
handlers sent the Telegram way."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from typing import Any

from aiogram import Bot
from aiogram.types import CallbackQuery, FSInputFile, InlineKeyboardButton, InlineKeyboardMarkup, Message

from handlers import account
from handlers.chat import Reply, Sender


async def with_sender(
    handler: Callable[[Any, dict[str, Any]], Awaitable[Any]], event: Any, data: dict[str, Any]
) -> Any:
    """Outer update middleware: the person and chat behind an update as a ``Sender`` (in the reply
    language they chose, if any), for every handler and the error handler."""
    user, chat = data.get("event_from_user"), data.get("event_chat")
    if user is not None:
        private = chat is None or chat.type == "private"
        raw = Sender(
            "telegram", str(user.id), str(chat.id if chat else user.id), user.language_code, None, private
        )
        data["sender"] = await account.resolve(data["ctx"], raw)
    return await handler(event, data)


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
        [InlineKeyboardButton(text=b.label, callback_data=b.action.pack()) for b in row]
        for row in reply.buttons
    ]
    return InlineKeyboardMarkup(inline_keyboard=rows)


async def answer(message: Message, replies: Reply | Sequence[Reply]) -> None:
    for reply in [replies] if isinstance(replies, Reply) else replies:
        if reply.file is not None:  # the text is the file's caption
            path, name = reply.file
            await message.answer_document(FSInputFile(path, filename=name), caption=reply.text)
        else:
            await message.answer(reply.text, reply_markup=keyboard(reply))


async def answer_button(query: CallbackQuery, reply: Reply, sender: Sender) -> None:
    """Acknowledge the press, take the buttons away (one choice per message), then reply."""
    await query.answer()
    if query.message is not None:
        await query.message.edit_reply_markup(reply_markup=None)
    assert query.bot is not None
    await query.bot.send_message(int(sender.chat_id), reply.text, reply_markup=keyboard(reply))
