"""Speech in a voice channel, over real sockets: the real discord.py voice client against a fake
voice server (TLS websocket, UDP that decrypts every packet). Packets come 20 ms apart, the first
before the rest of the text has been synthesised, and their audio has the length of the speech;
skip, stop, leave, and a forced disconnect after which the bot's idea of where it is still agrees
with Discord's."""

from __future__ import annotations

import asyncio
import itertools
import threading

import aiohttp
import av

from engine.audio.opus import SILENCE
from handlers import collect
from handlers.chat import Sender
from tests.audio import clips
from tests.bot.harness import discord_running
from tests.fake_discord import BOT_ID, GUILD_ID, ROLE_ID, VOICE_ID
from tests.fake_voice import FakeVoice
from tests.voices import collecting

USER = "71"
TEXT = "Hello everyone in the lounge. This is my own voice, cloned. It is said while it is made."


async def _until(check, event: asyncio.Event | None = None, within: float = 90) -> None:
    """Until ``check()`` holds: looked at again on ``event``, or (state inside discord.py, which
    signals nothing) every 50 ms; either way bounded by ``within``."""
    async with asyncio.timeout(within):
        while not check():
            if event is None:
                await asyncio.sleep(0.05)
                continue
            event.clear()
            await event.wait()


def _decoded_seconds(packets: list[bytes]) -> float:
    decoder = av.CodecContext.create("opus", "r")
    decoder.sample_rate, decoder.layout = 48000, "stereo"
    samples = sum(frame.samples for p in packets for frame in decoder.decode(av.Packet(p)))
    return samples / 48000


async def test_say_streams_the_speech_into_the_voice_channel(tmp_path, monkeypatch):
    voice = await FakeVoice().start()
    monkeypatch.setattr(aiohttp.connector, "_SSL_CONTEXT_VERIFIED", voice.client_ssl())  # trust its CA
    try:
        async with discord_running(tmp_path, monkeypatch, worker=True, within=300) as (fake, ctx, client):
            fake.voice_endpoint = voice.endpoint
            sender = Sender("discord", USER, "1", "en")
            user, _ = await collecting(ctx, sender, clips("allison_en")[:4], name="Allison")
            await ctx.engine.wait(user.id, (await collect.train(ctx, sender, None)).job_id)
            await fake.move(USER, VOICE_ID)

            # The second sentence is only made once the first packet has reached the channel.
            first_packet = threading.Event()
            made: list[float] = []
            released: list[bool] = []
            synthesize = ctx.backend.synthesize

            def gated(*args, **kwargs):
                for index, chunk in enumerate(synthesize(*args, **kwargs)):
                    if index == 1:
                        released.append(first_packet.wait(60))
                    made.append(chunk.audio.size / chunk.rate)
                    yield chunk

            monkeypatch.setattr(ctx.backend, "synthesize", gated)
            voice.first = first_packet
            said = await fake.command("say", {"text": TEXT}, user_id=USER, guild=True)
            assert await fake.answer(said) == "Queued in Lounge (place 0)."
            await _until(lambda: voice.speaking[-1:] == [0] and 1 in voice.speaking, voice.spoke)

            assert voice.identified[0]["max_dave_protocol_version"] >= 1  # DAVE offered (voice extra)
            assert released == [True] and len(made) >= 3  # several sentences, the first heard first
            packets = voice.packets
            steps = {b.timestamp - a.timestamp for a, b in itertools.pairwise(packets)}
            assert steps == {960}  # 20 ms of audio per packet, none skipped
            span = packets[-1].arrived - packets[0].arrived
            assert span >= 0.95 * 0.02 * (len(packets) - 1)  # paced in real time, never bunched
            speech = [p.opus for p in packets if p.opus != SILENCE]
            heard = _decoded_seconds(speech)
            assert abs(heard - sum(made)) <= 0.02 + 312 / 48000  # ± a frame (and Opus's look-ahead)

            guild = client.get_guild(int(GUILD_ID))
            left = await fake.command("leave", user_id=USER, guild=True)
            assert await fake.answer(left) == "I left the voice channel."
            assert fake.bot_moves[-1] is None and guild.voice_client is None

            # Taken out by a moderator: the queue goes, and /say joins again without complaint.
            again = await fake.command("say", {"text": "Once more."}, user_id=USER, guild=True)
            assert (await fake.answer(again)).startswith("Queued in Lounge")
            await _until(lambda: guild.voice_client is not None and guild.voice_client.is_connected())
            await fake.move(BOT_ID, None)
            await _until(lambda: guild.voice_client is None)
            third = await fake.command("say", {"text": "And back."}, user_id=USER, guild=True)
            assert (await fake.answer(third)).startswith("Queued in Lounge")
            assert fake.bot_moves.count(VOICE_ID) == 3
    finally:
        await voice.close()


async def _ready(ctx, user_id: str, speaker: str, name: str, locale: str):
    sender = Sender("discord", user_id, "1", locale)
    user, _ = await collecting(ctx, sender, clips(speaker)[:4], name=name)
    await ctx.engine.wait(user.id, (await collect.train(ctx, sender, None)).job_id)
    return user, (await ctx.storage.voices.list(user.id))[0]


async def test_speak_for_me_says_what_a_member_types_in_their_own_voice(tmp_path, monkeypatch):
    # Real-length ids: mentions are only recognised with them.
    A, B, C = "700000000000071001", "700000000000072002", "700000000000073003"
    voice = await FakeVoice().start()
    monkeypatch.setattr(aiohttp.connector, "_SSL_CONTEXT_VERIFIED", voice.client_ssl())
    try:
        async with discord_running(tmp_path, monkeypatch, worker=True, within=300) as (fake, ctx, client):
            fake.voice_endpoint = voice.endpoint
            alice, _ = await _ready(ctx, A, "allison_en", "Allison", "en")
            carlo, carlos_voice = await _ready(ctx, B, "carlo_it", "Carlo", "it")
            for person in (A, B, C):  # 73 has given no consent and has no voice
                await fake.move(person, VOICE_ID)
            asked = await fake.command(
                "server set", {"name": "speak-channel", "value": "voice"}, user_id=A, guild=True
            )
            assert "speak-channel: the voice channel's own chat" in await fake.answer(asked)
            opted = await fake.command(
                "settings", {"name": "speakforme", "value": "on"}, user_id=B, guild=True
            )
            assert "parlare per me" not in await fake.answer(opted)  # answered (in Italian: "parla per me")

            quiet = await fake.post(VOICE_ID, C, "I have no voice here.")
            unasked = await fake.post(VOICE_ID, A, "I did not opt in.")
            said = await fake.post(
                VOICE_ID,
                B,
                f"Ciao a tutti, guardate https://example.org/x <:wave:123> 😀 <@{A}>",
                mentions=[A],
            )
            await voice.arrived.wait()
            job = await ctx.engine.queue.find(carlo.id, f"dc:{VOICE_ID}:{said['id']}")
            assert job is not None and job.voice_id == carlos_voice.id  # the author's own voice
            await ctx.engine.wait(carlo.id, job.id)
            (receipt,) = await ctx.storage.generations.for_voice(carlo.id, carlos_voice.id)
            assert receipt.text_chars == len("Ciao a tutti, guardate link someone")  # a link is a word
            assert await ctx.engine.queue.find(alice.id, f"dc:{VOICE_ID}:{unasked['id']}") is None
            assert (
                await ctx.storage.users.find("discord", C) is None
            )  # nothing kept of someone without consent
            assert quiet["id"]

            # Alice lends her voice to the server: who has none is now heard in it.
            lent = await fake.command(
                "server set", {"name": "speak-default", "value": "Allison"}, user_id=A, guild=True
            )
            assert "speak-default: " in await fake.answer(lent)
            heard = await fake.post(VOICE_ID, C, "Now I am heard.")
            key = f"dc:{VOICE_ID}:{heard['id']}"
            async with asyncio.timeout(60):
                while (lent_job := await ctx.engine.queue.find(alice.id, key)) is None:  # noqa: ASYNC110
                    await asyncio.sleep(0.05)
            assert lent_job.voice_id == (await ctx.storage.voices.list(alice.id))[0].id

            # Everyone leaves the voice channel: so does the bot.
            guild = client.get_guild(int(GUILD_ID))
            for person in (A, B, C):
                await fake.move(person, None)
            await _until(lambda: guild.voice_client is None)
    finally:
        await voice.close()


async def test_server_rules_are_for_admins_and_go_with_the_server(tmp_path, monkeypatch):
    async with discord_running(tmp_path, monkeypatch, worker=True, within=240) as (fake, ctx, _client):
        await _ready(ctx, "74", "allison_en", "Allison", "en")
        member = await fake.command(
            "server set", {"name": "max-chars", "value": "10"}, user_id="74", guild=True, permissions="0"
        )
        assert await fake.answer(member) == "Only those who may manage this server can change its rules."

        roles = await fake.command(
            "server set", {"name": "speak-roles", "value": f"<@&{ROLE_ID}>"}, user_id="1", guild=True
        )
        assert f"speak-roles: <@&{ROLE_ID}>" in await fake.answer(roles)
        spoken = await fake.command("speak", {"text": "Hello."}, user_id="74", guild=True)
        assert await fake.answer(spoken) == "On this server only some roles may have text spoken."

        everyone = await fake.command(
            "server set", {"name": "speak-roles", "value": "everyone"}, user_id="1", guild=True
        )
        assert "speak-roles: everyone" in await fake.answer(everyone)
        quota = await fake.command(
            "server set", {"name": "speeches-per-day", "value": "1"}, user_id="1", guild=True
        )
        assert "speeches-per-day: 1" in await fake.answer(quota)
        first = await fake.command("speak", {"text": "Hello."}, user_id="74", guild=True)
        assert await fake.answer(first) == "Saying it in your voice…"
        second = await fake.command("speak", {"text": "Again."}, user_id="74", guild=True)
        assert await fake.answer(second) == "This server has reached its daily limit (1); try again tomorrow."

        await fake.dispatch("GUILD_DELETE", {"id": GUILD_ID})  # the bot was removed from the server
        async with asyncio.timeout(30):
            while await ctx.storage.servers.settings("discord", GUILD_ID):  # noqa: ASYNC110 — nothing signals it
                await asyncio.sleep(0.05)
        assert await ctx.storage.servers.usage("discord", GUILD_ID, "speak") == 0
