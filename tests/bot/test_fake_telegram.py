"""The fake Bot API works with the real aiogram client: polling, replies, uploads, downloads, 429."""

from __future__ import annotations

import asyncio

from aiogram import Bot, Dispatcher, F
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.telegram import TelegramAPIServer
from aiogram.exceptions import TelegramRetryAfter
from aiogram.types import BufferedInputFile, Message

from tests.fake_telegram import FakeTelegram


async def test_aiogram_polls_the_fake_server_and_talks_back():
    fake = FakeTelegram()
    url = await fake.start()
    bot = Bot(fake.token, session=AiohttpSession(api=TelegramAPIServer.from_base(url)))
    dp = Dispatcher()

    @dp.message(F.text)
    async def echo(message: Message) -> None:
        await message.answer(f"you said {message.text}")

    @dp.message(F.voice)
    async def voice(message: Message, bot: Bot) -> None:
        data = await bot.download(message.voice.file_id)
        await message.answer_voice(BufferedInputFile(data.read()[::-1], "reply.ogg"), duration=2)

    polling = asyncio.create_task(dp.start_polling(bot, handle_signals=False, polling_timeout=1))
    try:
        await fake.message(7, "hello")
        sent = await fake.wait_for("sendMessage", chat_id=7)
        assert sent.params["text"] == "you said hello"
        await fake.voice(7, b"OggS-fake-voice", duration=2)
        reply = await fake.wait_for("sendVoice", chat_id=7)
        assert reply.files["voice"] == b"OggS-fake-voice"[::-1]

        fake.throttle("sendMessage")
        try:
            await bot.send_message(7, "flood")
            raise AssertionError("expected a 429")
        except TelegramRetryAfter as exc:
            assert exc.retry_after == 1
    finally:
        await dp.stop_polling()
        await asyncio.wait_for(polling, 10)
        await bot.session.close()
        await fake.stop()
