"""Owner receipts and notices: where each voice spoke (/usage), text excerpts only when the owner
opted in, an alert when someone else or a server used the voice (only when asked for), expiry
reminders once per expiry, and a server's daily seconds of speech."""

from __future__ import annotations

from datetime import timedelta

import pytest

from bot.app import open_context
from bot.config import load_config
from handlers import account, jobs, notices, receipts, servers, speech
from handlers.chat import Sender
from handlers.errors import Refusal
from handlers.messages import t
from storage.ids import iso, now
from tests.voices import submit, uploads

OWNER = Sender("telegram", "61", "61", "en")
OTHER = Sender("discord", "62", "700", "fr", server_id="900")


async def _voice(ctx, user) -> str:
    queued = await submit(ctx, user.id, "Mine", uploads())
    return (await jobs.wait_result(ctx, user.id, queued["jobId"]))["voiceId"]


async def _said(ctx, queued) -> None:
    await jobs.wait_result(ctx, queued.owner_id, queued.job_id)


async def test_usage_says_where_and_how_much_and_keeps_text_only_when_asked(tmp_path):
    async with open_context(load_config(data_dir=tmp_path)) as ctx:
        owner = await ctx.storage.users.get_or_create("telegram", "61")
        await ctx.storage.consents.accept(owner.id, "2026-11", "h", "test")
        await _voice(ctx, owner)
        assert (await receipts.usage(ctx, OWNER)).text.startswith(t("en", "usage.none"))

        await _said(ctx, await speech.say_in_chat(ctx, OWNER, "A secret sentence nobody keeps.", None))
        (first,) = await ctx.storage.generations.recent(owner.id)
        assert (first.platform, first.chat, first.server, first.requested_by) == (
            "telegram",
            "61",
            None,
            None,
        )
        assert first.excerpt is None  # off by default: no text is kept
        shown = (await receipts.usage(ctx, OWNER)).text
        assert "Mine · Telegram, a private chat ·" in shown and "secret" not in shown
        assert t("en", "usage.excerpts_off") in shown

        await account.change(ctx, OWNER, "excerpts", "on")
        await _said(ctx, await speech.say_in_chat(ctx, OWNER, "Now the start of this text is kept.", None))
        latest = (await ctx.storage.generations.recent(owner.id))[0]
        assert latest.excerpt == "Now the start of this text is kept."
        assert "“Now the start of this text is kept.”" in (await receipts.usage(ctx, OWNER)).text
        stranger = Sender("telegram", "63", "63", "en")  # someone else sees none of it
        assert (await receipts.usage(ctx, stranger)).text.startswith(t("en", "usage.none"))


async def test_a_lent_voice_used_in_a_server_is_on_the_receipt_and_alerts_the_owner_who_asked(tmp_path):
    async with open_context(load_config(data_dir=tmp_path)) as ctx:
        owner = await ctx.storage.users.get_or_create("telegram", "61")
        other = await ctx.storage.users.get_or_create("discord", "62")
        await ctx.storage.consents.accept(owner.id, "2026-11", "h", "test")
        voice_id = await _voice(ctx, owner)

        await _said(
            ctx, await speech.line_for(ctx, owner.id, voice_id, "Hello everyone.", None, OTHER, other.id)
        )
        assert await ctx.storage.notices.for_owner(owner.id) == []  # alerts are off by default
        (receipt,) = await ctx.storage.generations.recent(owner.id)
        assert (receipt.platform, receipt.server, receipt.requested_by) == ("discord", "900", other.id)
        assert notices.elsewhere("telegram", receipt)

        await account.change(ctx, OWNER, "alerts", "on")
        await _said(
            ctx, await speech.line_for(ctx, owner.id, voice_id, "Hello again.", None, OTHER, other.id)
        )
        (alert,) = await ctx.storage.notices.for_owner(owner.id)
        assert alert.platform == "telegram" and alert.kind == "used"
        assert "Discord, server 900, asked by someone else" in alert.body["text"]
        await _said(ctx, await speech.say_in_chat(ctx, OWNER, "In my own chat.", None))
        assert len(await ctx.storage.notices.for_owner(owner.id)) == 1  # the owner's own chat: no alert

        await ctx.storage.users.delete(other.id)  # the person who asked is forgotten: not their receipt
        assert (await ctx.storage.generations.recent(owner.id))[-1].requested_by is None


async def test_an_expiry_reminder_goes_once_per_expiry_with_a_renew_button(tmp_path):
    async with open_context(load_config(data_dir=tmp_path)) as ctx:
        owner = await ctx.storage.users.get_or_create("telegram", "61")
        cli = await ctx.storage.users.get_or_create("cli", "me")
        for user in (owner, cli):
            await ctx.storage.consents.accept(user.id, "2026-11", "h", "test")
        voice_id = await _voice(ctx, owner)
        await _voice(ctx, cli)
        assert await notices.expiry_reminders(ctx) == 0  # 90 days away
        soon = iso(now() + timedelta(days=6))
        await ctx.storage.conn.execute("UPDATE voices SET expires_at = ?", (soon,))
        await ctx.storage.conn.commit()
        assert await notices.expiry_reminders(ctx) == 1  # the CLI user has no chat to be told in
        assert await notices.expiry_reminders(ctx) == 0  # once
        (reminder,) = await ctx.storage.notices.for_owner(owner.id)
        assert f"on {soon[:10]}" in reminder.body["text"]
        assert reminder.body["buttons"] == [[{"label": "Renew Mine", "action": f"renew:{voice_id}"}]]


async def test_a_server_stops_at_its_daily_seconds_of_speech(tmp_path):
    async with open_context(load_config(data_dir=tmp_path)) as ctx:
        owner = await ctx.storage.users.get_or_create("telegram", "61")
        await ctx.storage.consents.accept(owner.id, "2026-11", "h", "test")
        voice_id = await _voice(ctx, owner)
        await ctx.storage.servers.save("discord", "900", {"speechSecondsPerDay": 1})
        await servers.allowed(ctx, OTHER, "900", "speak", [], spend="speak")  # nothing said yet
        await _said(
            ctx,
            await speech.line_for(ctx, owner.id, voice_id, "Quite a long line to say.", None, OTHER, None),
        )
        with pytest.raises(Refusal) as refused:
            await servers.allowed(ctx, OTHER, "900", "speak", [], spend="speak")
        assert refused.value.message == t("fr", "server.quota_seconds", seconds=1)
        shown = (await servers.show(ctx, OTHER, "900")).text  # what the admins see: the day so far
        assert "• speech-seconds-per-day: 1" in shown and "Dernières 24 heures ici :" in shown
        assert " 0 s de parole" not in shown
        elsewhere = Sender("discord", "62", "701", "fr", server_id="901")  # another server is not held back
        await servers.allowed(ctx, elsewhere, "901", "speak", [], spend="speak")
