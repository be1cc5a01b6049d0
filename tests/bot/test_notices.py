"""Notices reach the person through the real clients: an expiry reminder arrives in the Telegram
private chat and as a Discord DM, each with a Renew button that renews the voice when pressed."""

from __future__ import annotations

import json
from datetime import timedelta

from handlers import jobs, notices
from storage.ids import iso, now
from tests.bot.harness import discord_running, running
from tests.voices import submit, uploads

SOON = timedelta(days=5)


async def _expiring_voice(ctx, platform: str, user_id: str) -> tuple[int, str]:
    owner = await ctx.storage.users.get_or_create(platform, user_id)
    await ctx.storage.consents.accept(owner.id, "2026-11", "h", "test")
    voice_id = (
        await jobs.wait_result(ctx, owner.id, (await submit(ctx, owner.id, "Mine", uploads()))["jobId"])
    )["voiceId"]
    await ctx.storage.conn.execute("UPDATE voices SET expires_at = ?", (iso(now() + SOON),))
    await ctx.storage.conn.commit()
    return owner.id, voice_id


async def test_a_telegram_reminder_renews_the_voice_from_its_button(tmp_path):
    async with running(tmp_path, worker=True) as (fake, ctx):
        owner_id, voice_id = await _expiring_voice(ctx, "telegram", "71")
        assert await notices.expiry_reminders(ctx) == 1
        reminder = await fake.wait_for("sendMessage", chat_id=71)
        assert reminder.params["text"].startswith("Your voice “Mine” will be deleted on")
        markup = json.loads(reminder.params["reply_markup"])["inline_keyboard"]
        assert [[b["callback_data"] for b in row] for row in markup] == [[f"renew:{voice_id}"]]

        mark = len(fake.calls)
        message = {"message_id": 5, "date": 0, "chat": {"id": 71, "type": "private"}, "text": "…"}
        await fake.callback(71, message, f"renew:{voice_id}")
        renewed = await fake.wait_for("sendMessage", after=mark, chat_id=71)
        assert renewed.params["text"].startswith("“Mine” is kept until")
        voice = await ctx.storage.voices.get(owner_id, voice_id)
        assert voice.expires_at > iso(now() + timedelta(days=80))
        # marked sent right after it went through (long before the button came back): not sent again
        assert (await ctx.storage.notices.for_owner(owner_id))[0].sent_at is not None
        assert sum(c.method == "sendMessage" and "renew:" in str(c.params) for c in fake.calls) == 1


async def test_a_discord_reminder_comes_by_dm_and_renews_from_its_button(tmp_path, monkeypatch):
    async with discord_running(tmp_path, monkeypatch, worker=True) as (fake, ctx, _client):
        owner_id, voice_id = await _expiring_voice(ctx, "discord", "81")
        assert await notices.expiry_reminders(ctx) == 1
        dm = await fake.sent("/channels/881/messages", lambda body: "components" in body)
        assert dm.body["content"].startswith("Your voice “Mine” will be deleted on")
        (button,) = dm.body["components"][0]["components"]
        assert button["custom_id"] == f"renew:{voice_id}"

        pressed = await fake.reply_to(await fake.press(f"renew:{voice_id}", user_id="81"))
        assert pressed["data"]["content"].startswith("“Mine” is kept until")
        assert (await ctx.storage.voices.get(owner_id, voice_id)).expires_at > iso(now() + timedelta(days=80))
