"""Managing voices, samples, jobs and settings in a chat, at the handler level: the replies and the
buttons any adapter shows, pressed through the one button table."""

from __future__ import annotations

from bot.app import open_context
from bot.config import load_config
from engine.jobs.queue import JobSpec
from handlers import buttons, chat_manage, consent
from handlers.chat import Action, Sender
from tests.audio import clips
from tests.voices import collecting

ES = Sender("telegram", "7", "7", "es")


async def _press(ctx, reply, row: int = 0, col: int = 0):
    return await buttons.press(ctx, ES, reply.buttons[row][col].action)


async def test_samples_listed_and_one_removed_while_collecting(tmp_path):
    async with open_context(load_config(data_dir=tmp_path)) as ctx:
        user, voice = await collecting(ctx, ES, clips("allison_en")[:2], name="Mi voz")
        listed = await chat_manage.samples(ctx, ES)
        assert listed.text.startswith("Muestras de «Mi voz»") and len(listed.buttons[0]) == 2
        removed = await _press(ctx, listed)
        assert removed.text == "Quitada. Envía /samples para ver el resto."
        assert len(await ctx.storage.samples.list(user.id, voice.id)) == 1
        again = await _press(ctx, listed)  # the same button twice: that sample is gone
        assert (
            again.text and not again.buttons and len(await ctx.storage.samples.list(user.id, voice.id)) == 1
        )


async def test_a_voice_is_deleted_only_after_confirmation(tmp_path):
    async with open_context(load_config(data_dir=tmp_path)) as ctx:
        await consent.accept(ctx, ES)
        user = await consent.user_for(ctx, ES)
        voice = await ctx.storage.voices.create(user.id, "Mi voz", ["es"], "instant", "embedded", 90)
        listed = await chat_manage.voices(ctx, ES)
        confirm = await _press(ctx, listed, 0, 1)  # delete
        assert confirm.text.startswith("¿Borrar «Mi voz»")
        kept = await _press(ctx, confirm, 0, 1)  # keep it
        assert kept.text == "No se ha borrado nada." and await ctx.storage.voices.get(user.id, voice.id)
        deleted = await _press(ctx, confirm, 0, 0)  # yes
        assert deleted.text == "«Mi voz» se ha borrado, con sus muestras y audios."
        assert await ctx.storage.voices.get(user.id, voice.id) is None


async def test_a_queued_job_is_listed_and_cancelled_and_settings_are_saved(tmp_path):
    async with open_context(load_config(data_dir=tmp_path)) as ctx:
        await consent.accept(ctx, ES)
        user = await consent.user_for(ctx, ES)
        await ctx.engine.submit(JobSpec("speak", user.id, {"text": "hola"}))
        listed = await chat_manage.jobs(ctx, ES)
        assert len(listed.buttons) == 1
        cancelled = await _press(ctx, listed)
        assert (
            cancelled.text
            and (await chat_manage.jobs(ctx, ES)).text == "No tienes nada en cola ni en marcha."
        )
        offered = await buttons.press(ctx, ES, Action.of("set", "speed"))
        saved = await _press(ctx, offered, 0, 1)
        assert saved.text.startswith("Guardado.")
        assert "speed" in (await ctx.storage.users.get(user.id)).settings
