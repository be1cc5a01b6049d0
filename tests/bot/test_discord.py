"""The real discord.py client against a fake Discord on 127.0.0.1: commands synced, consent given with
a button, replies in the interaction's language."""

from __future__ import annotations

import asyncio

from engine.jobs.queue import JobSpec
from handlers import consent
from handlers.chat import Sender
from handlers.messages import t
from tests.bot.harness import discord_running
from tests.fake_discord import APP_ID


def connected(tmp_path, monkeypatch):
    return discord_running(tmp_path, monkeypatch)


async def test_commands_are_synced_and_consent_is_given_with_a_button(tmp_path, monkeypatch):
    async with connected(tmp_path, monkeypatch) as (fake, ctx, _client):
        assert {"consent", "revoke", "help"} <= {c["name"] for c in fake.commands}
        asked = await fake.reply_to(await fake.command("consent", locale="fr"))
        assert asked["type"] == 4 and asked["data"]["content"].startswith("Bonjour")
        question = await fake.sent(f"/webhooks/{APP_ID}/", lambda body: bool(body.get("components")))
        assert question.body["content"].endswith("Acceptez-vous cette déclaration (version 2026-11) ?")
        custom_ids = [b["custom_id"] for row in question.body["components"] for b in row["components"]]
        assert custom_ids == ["consent:accept", "consent:decline"]

        accepted = await fake.reply_to(await fake.press("consent:accept", locale="fr"))
        assert accepted["data"]["content"].startswith("Merci")
        user = await consent.user_for(ctx, Sender("discord", "42", "777", "fr"))
        assert await ctx.storage.consents.active(user.id)


async def test_a_stale_button_is_answered_in_the_persons_language(tmp_path, monkeypatch):
    async with connected(tmp_path, monkeypatch) as (fake, _ctx, _client):
        reply = await fake.reply_to(await fake.press("renamed-action:1", locale="de"))
        assert (
            reply["data"]["content"]
            == "Diese Schaltfläche funktioniert nicht mehr. Schick den Befehl noch einmal."
        )


async def test_help_and_the_command_descriptions_are_in_the_persons_language(tmp_path, monkeypatch):
    async with connected(tmp_path, monkeypatch) as (fake, _ctx, _client):
        reply = await fake.reply_to(await fake.command("help", locale="it"))
        lines = reply["data"]["content"].splitlines()
        assert "/voce crea – Iniziare una nuova voce, con fino a dieci registrazioni" in lines
        assert (
            "/parla – Dire un testo con la tua voce" in lines and "/newvoice" not in reply["data"]["content"]
        )
        # Synced with every catalog language: names stay, descriptions and choices are translated.
        voice = next(c for c in fake.commands if c["name"] == "voice")
        create = next(o for o in voice["options"] if o["name"] == "create")
        assert create["description_localizations"]["ja"] == "新しい声を始める(録音は最大10件)"
        assert create["description_localizations"]["pt-BR"].startswith("Começar uma voz nova")
        kind = next(o for o in create["options"] if o["name"] == "kind")
        instant = next(c for c in kind["choices"] if c["value"] == "instant")
        assert instant["name_localizations"]["de"] == t("de", "tier.instant")
        assert create["name"] == "create" and create["name_localizations"]["fr"] == "créer"
        assert voice["name_localizations"]["ko"] == "목소리"


def test_every_command_name_is_one_discord_accepts():
    """Lowercase letters, digits, - and _ (any script), 1 to 32; unique among a group's commands."""
    import unicodedata

    from engine.audio.language import LANGUAGES
    from handlers.messages import catalog

    siblings = [
        ("consent", "revoke", "help", "link", "unlink", "forgetme", "mydata", "voice", "speak", "batch",
         "jobs", "settings", "say", "skip", "stop", "leave", "server"),
        ("create", "add", "samples", "train", "status", "list", "delete", "renew"),
        ("show", "set"),
    ]  # fmt: skip
    for language in LANGUAGES:
        names = {k: v for k, v in catalog(language).items() if k.startswith("name.")}
        for name in names.values():
            assert 1 <= len(name) <= 32 and name == name.lower(), (language, name)
            assert all(c in "-_" or unicodedata.category(c)[0] in "LNM" for c in name), (language, name)
        for group in siblings:
            shown = [names[f"name.{n}"] for n in group]
            assert len(set(shown)) == len(shown), (language, shown)


async def test_voices_jobs_and_settings_with_their_buttons(tmp_path, monkeypatch):
    async with connected(tmp_path, monkeypatch) as (fake, ctx, _client):
        await fake.reply_to(await fake.press("consent:accept", user_id="43", locale="es-ES"))
        user = await consent.user_for(ctx, Sender("discord", "43", "777", "es"))
        voice = await ctx.storage.voices.create(user.id, "Mi voz", ["es"], "instant", "embedded", 90)
        await ctx.engine.submit(JobSpec("speak", user.id, {"text": "hola"}))

        listed = await fake.reply_to(
            await fake.command("voice", [_sub("list")], user_id="43", locale="es-ES")
        )
        assert listed["data"]["content"].startswith("Tus voces:")
        ids = [b["custom_id"] for row in listed["data"]["components"] for b in row["components"]]
        assert ids == [f"renew:{voice.id}", f"delete:{voice.id}"]
        confirm = await fake.reply_to(await fake.press(f"delete:{voice.id}", user_id="43", locale="es-ES"))
        assert confirm["data"]["content"].startswith("¿Borrar «Mi voz»")
        other = await fake.reply_to(await fake.press(f"delete:{voice.id}:yes", user_id="99", locale="es-ES"))
        assert await ctx.storage.voices.get(user.id, voice.id)  # not the other person's to delete
        assert other["data"]["content"]

        jobs = await fake.reply_to(await fake.command("jobs", user_id="43", locale="es-ES"))
        assert len(jobs["data"]["components"]) == 1
        settings = await fake.reply_to(await fake.command("settings", user_id="43", locale="es-ES"))
        rows = settings["data"]["components"]
        ids = [b["custom_id"] for row in rows for b in row["components"]]
        assert len(rows) <= 5 and all(len(row["components"]) <= 5 for row in rows)  # Discord's limits
        assert ids and all(i.startswith("set:") for i in ids)


def _sub(name: str) -> dict:
    return {"type": 1, "name": name, "options": []}


async def test_a_slow_answer_is_deferred_in_time_then_followed_up(tmp_path, monkeypatch):
    from handlers import chat_manage
    from handlers.chat import Reply

    release = asyncio.Event()

    async def slow_jobs(ctx, sender):
        await release.wait()  # held until the defer has been seen
        return Reply("done at last")

    monkeypatch.setattr(chat_manage, "jobs", slow_jobs)
    async with connected(tmp_path, monkeypatch) as (fake, _ctx, _client):
        asked = await fake.command("jobs")
        deferred = await fake.reply_to(asked)
        assert deferred["type"] == 5  # "thinking…", well inside Discord's 3 s
        release.set()
        followup = await fake.sent(
            f"/webhooks/{APP_ID}/{asked['token']}", lambda body: bool(body.get("content"))
        )
        assert followup.body["content"] == "done at last"


async def test_voicebot_run_starts_the_discord_bot_beside_the_others(tmp_path, monkeypatch):
    """The wiring of ``voicebot run``: the enabled Discord section becomes a service that connects,
    answers, and stops with the others (in-process: the patch points only reach this process)."""
    import discord
    import yarl

    from bot.app import open_context
    from bot.cli.worker import _bots
    from bot.config import load_config
    from bot.runtime import run_services
    from tests.fake_discord import running_fake

    config = tmp_path / "voicebot.toml"
    config.write_text("[discord]\nenabled = true\n")
    monkeypatch.setenv("VOICEBOT_DISCORD_TOKEN", "test-token")
    loaded = load_config(config, data_dir=tmp_path)
    async with running_fake() as fake, open_context(loaded) as ctx:
        monkeypatch.setattr(discord.http.Route, "BASE", fake.api)
        monkeypatch.setattr(discord.gateway.DiscordWebSocket, "DEFAULT_GATEWAY", yarl.URL(fake.gateway))
        services = _bots(ctx, loaded)
        assert list(services) == ["discord"]
        stop = asyncio.Event()
        running = asyncio.create_task(run_services(services, stop))
        async with asyncio.timeout(60):
            await fake.ready.wait()
            while not fake.commands:  # noqa: ASYNC110 — synced right after the gateway is ready
                await asyncio.sleep(0.05)
        reply = await fake.reply_to(await fake.command("help"))
        assert reply["data"]["content"].startswith("/consent – ")
        stop.set()
        assert await asyncio.wait_for(running, 60) == []  # stopped cleanly, nothing failed


async def test_forget_me_asks_first_then_erases_the_person(tmp_path, monkeypatch):
    async with connected(tmp_path, monkeypatch) as (fake, ctx, _client):
        await fake.reply_to(await fake.press("consent:accept", user_id="44"))
        asked = await fake.reply_to(await fake.command("forgetme", user_id="44"))
        ids = [b["custom_id"] for row in asked["data"]["components"] for b in row["components"]]
        assert ids == ["forget:yes", "forget:keep"] and "cannot be undone" in asked["data"]["content"]
        assert await ctx.storage.users.find("discord", "44") is not None  # nothing yet
        done = await fake.reply_to(await fake.press("forget:yes", user_id="44"))
        assert done["data"]["content"].startswith("Erased: 0 voice(s)")
        assert await ctx.storage.users.find("discord", "44") is None


async def test_mydata_comes_as_an_attachment_only_to_the_person(tmp_path, monkeypatch):
    import io
    import json
    import zipfile

    async with connected(tmp_path, monkeypatch) as (fake, _ctx, _client):
        await fake.reply_to(await fake.press("consent:accept", user_id="45"))
        asked = await fake.command("mydata", user_id="45", guild=True)
        reply = await fake.reply_to(asked)
        assert reply["data"]["flags"] & 64  # ephemeral: only the person sees it, in a server too
        data = json.loads(zipfile.ZipFile(io.BytesIO(reply["files"]["mydata.zip"])).read("data.json"))
        assert data["accounts"][0]["id"] == "45" and data["consents"][0]["method"] == "discord:button"
        small = await fake.command("mydata", user_id="45", size_limit=100)
        assert (await fake.reply_to(small))["data"]["content"].startswith("That file is ")
