"""A fake Discord REST API + gateway on 127.0.0.1 for the real discord.py client.

Patch points (tests only): ``discord.http.Route.BASE`` and
``discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY`` point here. The gateway says HELLO, answers
heartbeats, sends READY after IDENTIFY, and lets a test dispatch INTERACTION_CREATE; REST calls are
recorded (``calls``) and answered with complete payloads (discord.py parses them strictly).
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import json
import time
import urllib.parse
from dataclasses import dataclass, field
from typing import Any

from aiohttp import WSMsgType, web

APP_ID = "900000000000000001"
BOT_ID = "900000000000000002"
GUILD_ID = "700000000000000001"
ROLE_ID = "700000000000000900"  # a role nobody has, for the server's rules
TEXT_ID, VOICE_ID, OTHER_VOICE_ID = "700000000000000555", "700000000000000666", "700000000000000777"
_ids = itertools.count()
DISCORD_EPOCH_MS = 1_420_070_400_000


def snowflake(age_s: float = 0.0) -> str:
    """A fresh id that says when (now, or ``age_s`` ago), as Discord's do: discord.py reads an
    interaction's age from it."""
    made_ms = int((time.time() - age_s) * 1000)
    return str(((made_ms - DISCORD_EPOCH_MS) << 22) | (next(_ids) % 4096))


def user(user_id: str, name: str = "someone", bot: bool = False) -> dict[str, Any]:
    return {
        "id": user_id,
        "username": name,
        "discriminator": "0",
        "global_name": name,
        "avatar": None,
        "bot": bot,
        "public_flags": 0,
    }


@dataclass
class Call:
    method: str
    path: str
    body: Any
    arrived: float = 0.0  # time.monotonic() when it came


@dataclass
class FakeDiscord:
    calls: list[Call] = field(default_factory=list)
    ready: asyncio.Event = field(default_factory=asyncio.Event)
    changed: asyncio.Event = field(default_factory=asyncio.Event)
    commands: list[dict[str, Any]] = field(default_factory=list)
    files: dict[str, bytes] = field(default_factory=dict)  # attachments the bot may download, by id
    downloads: list[str] = field(default_factory=list)  # ids of attachments the bot downloaded
    forbidden: set[str] = field(default_factory=set)  # channels where the bot may not post
    voice: dict[str, str] = field(default_factory=dict)  # user id -> the voice channel they are in
    voice_endpoint: str | None = None  # a FakeVoice's endpoint: the bot may join voice channels
    bot_moves: list[str | None] = field(default_factory=list)  # channels the bot asked to be in
    identified: int = 0  # sessions started (IDENTIFY)
    resumed: int = 0  # sessions resumed (RESUME)
    refuse_resume: bool = False  # the next RESUME is answered INVALID_SESSION (the client starts anew)
    _events: list[dict[str, Any]] = field(default_factory=list)  # every dispatch, for a resume
    _ws: web.WebSocketResponse | None = None
    _seq: int = 0
    _runner: web.AppRunner | None = None
    port: int = 0

    @property
    def api(self) -> str:
        return f"http://127.0.0.1:{self.port}/api/v10"

    @property
    def gateway(self) -> str:
        return f"ws://127.0.0.1:{self.port}/gateway"

    async def start(self) -> FakeDiscord:
        app = web.Application(client_max_size=64 * 2**20)
        app.router.add_get("/gateway", self._gateway)
        app.router.add_route("*", "/api/v10/{tail:.*}", self._rest)
        app.router.add_get("/cdn/{id}/{name}", self._cdn)
        self._runner = web.AppRunner(app)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        self.port = site._server.sockets[0].getsockname()[1]
        return self

    async def close(self) -> None:
        if self._ws is not None:
            await self._ws.close()
        if self._runner is not None:
            await self._runner.cleanup()

    # The gateway.
    async def _gateway(self, request: web.Request) -> web.WebSocketResponse:
        ws = web.WebSocketResponse()
        await ws.prepare(request)
        self._ws = ws
        await ws.send_str(json.dumps({"op": 10, "d": {"heartbeat_interval": 41250}}))
        async for msg in ws:
            if msg.type != WSMsgType.TEXT:
                continue
            payload = json.loads(msg.data)
            if payload["op"] == 1:
                await ws.send_str(json.dumps({"op": 11}))
            elif payload["op"] == 2:
                self.identified += 1
                await self.dispatch("READY", self._ready())
                await self.dispatch("GUILD_CREATE", self._guild())
                self.ready.set()
            elif payload["op"] == 4:  # the bot joins, moves or leaves a voice channel
                channel = payload["d"]["channel_id"]
                await self._bot_voice(None if channel is None else str(channel))
            elif payload["op"] == 6 and self.refuse_resume:  # INVALID_SESSION, not resumable
                self.refuse_resume = False
                self._events.clear()  # the old session's events are gone with it
                await ws.send_str(json.dumps({"op": 9, "d": False}))
            elif payload["op"] == 6:  # what was missed since the client's last sequence, then RESUMED
                self.resumed += 1
                for missed in [e for e in self._events if e["s"] > (payload["d"]["seq"] or 0)]:
                    await ws.send_str(json.dumps(missed))
                await self.dispatch("RESUMED", {})
                self.changed.set()
        return ws

    async def drop(self) -> None:
        """The gateway connection breaks (close code 4000: the client resumes)."""
        ws, self._ws = self._ws, None
        if ws is not None:
            await ws.close(code=4000, message=b"unknown error")

    def _ready(self) -> dict[str, Any]:
        return {
            "v": 10,
            "user": user(BOT_ID, "voicebot", bot=True) | {"verified": True, "mfa_enabled": False},
            "guilds": [{"id": GUILD_ID, "unavailable": True}],
            "session_id": "session-1",
            "resume_gateway_url": self.gateway,
            "shard": [0, 1],
            "application": {"id": APP_ID, "flags": 0},
        }

    def _guild(self) -> dict[str, Any]:
        def channel(channel_id: str, name: str, kind: int) -> dict[str, Any]:
            return {"id": channel_id, "type": kind, "name": name, "guild_id": GUILD_ID, "position": 0,
                    "permission_overwrites": [], "nsfw": False, "parent_id": None, "bitrate": 64000,
                    "user_limit": 0, "rtc_region": None}  # fmt: skip

        members = [self._member(BOT_ID, bot=True)] + [self._member(u) for u in self.voice]
        return {
            "id": GUILD_ID, "name": "Test server", "icon": None, "owner_id": "1", "unavailable": False,
            "member_count": len(members), "large": False, "features": [], "emojis": [], "stickers": [],
            "roles": [{"id": role, "name": name, "permissions": "0", "position": 0, "color": 0,
                       "hoist": False, "managed": False, "mentionable": False, "flags": 0}
                      for role, name in ((GUILD_ID, "@everyone"), (ROLE_ID, "Speakers"))],
            "channels": [channel(TEXT_ID, "general", 0), channel(VOICE_ID, "Lounge", 2),
                         channel(OTHER_VOICE_ID, "Quiet", 2)],
            "members": members, "threads": [], "stage_instances": [], "guild_scheduled_events": [],
            "voice_states": [self._voice_state(u, c) for u, c in self.voice.items()],
            "presences": [], "premium_tier": 0, "preferred_locale": "en-US", "mfa_level": 0,
            "verification_level": 0, "explicit_content_filter": 0, "default_message_notifications": 0,
            "afk_channel_id": None, "afk_timeout": 300, "system_channel_id": None, "system_channel_flags": 0,
            "nsfw_level": 0, "joined_at": "2026-12-01T00:00:00+00:00",
        }  # fmt: skip

    def _member(self, user_id: str, bot: bool = False) -> dict[str, Any]:
        joined = "2026-12-01T00:00:00+00:00"
        named = user(user_id, "voicebot" if bot else "someone", bot=bot)
        return {"user": named, "roles": [], "joined_at": joined, "deaf": False, "mute": False, "flags": 0}

    def _voice_state(self, user_id: str, channel_id: str | None) -> dict[str, Any]:
        return {
            "guild_id": GUILD_ID, "channel_id": channel_id, "user_id": user_id,
            "member": self._member(user_id, bot=user_id == BOT_ID), "session_id": f"voice-{user_id}",
            "deaf": False, "mute": False, "self_deaf": user_id == BOT_ID, "self_mute": False,
            "self_video": False, "suppress": False, "request_to_speak_timestamp": None,
        }  # fmt: skip

    async def move(self, user_id: str, channel_id: str | None) -> None:
        """A person (or, pulled by a moderator, the bot) joins, moves to or leaves a voice channel."""
        if channel_id is None:
            self.voice.pop(user_id, None)
        else:
            self.voice[user_id] = channel_id
        await self.dispatch("VOICE_STATE_UPDATE", self._voice_state(user_id, channel_id))

    async def _bot_voice(self, channel_id: str | None) -> None:
        self.bot_moves.append(channel_id)
        await self.move(BOT_ID, channel_id)
        if channel_id is not None and self.voice_endpoint is not None:
            update = {"token": "voice-token", "guild_id": GUILD_ID, "endpoint": self.voice_endpoint}
            await self.dispatch("VOICE_SERVER_UPDATE", update)
        self.changed.set()

    async def dispatch(self, event: str, data: dict[str, Any]) -> None:
        """Sent now, or on the client's resume if it is not connected."""
        self._seq += 1
        payload = {"op": 0, "t": event, "s": self._seq, "d": data}
        self._events.append(payload)
        if self._ws is not None and not self._ws.closed:
            await self._ws.send_str(json.dumps(payload))

    def attachment(
        self,
        data: bytes,
        filename: str,
        content_type: str | None,
        seconds: float | None = None,
        size: int | None = None,
    ) -> dict[str, Any]:
        """An uploaded file as Discord describes it (``seconds``: a voice message's duration;
        ``size``: the size Discord states, by default the data's)."""
        attachment_id = snowflake()
        self.files[attachment_id] = data
        url = f"http://127.0.0.1:{self.port}/cdn/{attachment_id}/{urllib.parse.quote(filename, safe='')}"
        size = len(data) if size is None else size
        out: dict[str, Any] = {
            "id": attachment_id, "filename": filename, "size": size, "url": url, "proxy_url": url,
        }  # fmt: skip
        if content_type:
            out["content_type"] = content_type
        if seconds is not None:
            out |= {"duration_secs": seconds, "waveform": "AAAA"}
        return out

    async def _cdn(self, request: web.Request) -> web.Response:
        attachment_id = request.match_info["id"]
        if attachment_id not in self.files:
            return web.Response(status=404)
        self.downloads.append(attachment_id)
        return web.Response(body=self.files[attachment_id])

    async def post(
        self, channel_id: str, user_id: str, content: str, mentions: list[str] = ()
    ) -> dict[str, Any]:
        """A member writes in a server channel (a voice channel's own chat too)."""
        named = [user(m) | {"member": self._member(m)} for m in mentions]
        message = self._message(channel_id, {"content": content}) | {
            "author": user(user_id), "member": self._member(user_id), "guild_id": GUILD_ID, "mentions": named,
        }  # fmt: skip
        await self.dispatch("MESSAGE_CREATE", message)
        return message

    async def dm(self, user_id: str, content: str = "", attachments: list | None = None) -> dict[str, Any]:
        """A message sent to the bot in a DM (``attachments`` from ``attachment``)."""
        message = self._message(f"8{user_id}", {"content": content}) | {
            "author": user(user_id),
            "attachments": attachments or [],
        }
        if attachments and any("duration_secs" in a for a in attachments):
            message["flags"] = 8192
        await self.dispatch("MESSAGE_CREATE", message)
        return message

    async def interact(
        self,
        data: dict[str, Any],
        kind: int,
        user_id: str = "42",
        locale: str = "en-US",
        channel_id: str = "777",
        size_limit: int = 10 * 2**20,
        age_s: float = 0.0,
        guild: bool = False,
        permissions: str = "8",
    ) -> dict[str, Any]:
        """An interaction in a DM with ``user_id`` (``guild``: in the server's text channel):
        ``kind`` 2 = slash command, 3 = a component, 4 = autocomplete; ``age_s``: made that long
        ago (its token lapses after 15 minutes)."""
        interaction = {
            "id": snowflake(age_s),
            "application_id": APP_ID,
            "type": kind,
            "data": data,
            "channel_id": channel_id,
            "channel": {"id": channel_id, "type": 1, "recipients": [user(user_id)]},
            "user": user(user_id),
            "token": f"token-{snowflake()}",
            "version": 1,
            "locale": locale,
            "app_permissions": "0",
            "entitlements": [],
            "authorizing_integration_owners": {"1": user_id},
            "context": 1,
            "attachment_size_limit": size_limit,
        }
        if guild:
            del interaction["user"]
            channel = {"id": TEXT_ID, "type": 0, "guild_id": GUILD_ID, "name": "general", "position": 0}
            member = self._member(user_id) | {"permissions": permissions}  # "8": administrator
            interaction |= {"guild_id": GUILD_ID, "member": member, "channel_id": TEXT_ID, "channel": channel}
            interaction |= {"context": 0, "guild_locale": "en-US"}
        if kind == 3:
            interaction["message"] = self._message("777", {"content": "", "components": []})
        await self.dispatch("INTERACTION_CREATE", interaction)
        return interaction

    async def command(
        self, name: str, options: list | None = None, attachments: list | None = None, **kw: Any
    ) -> dict[str, Any]:
        """``name`` may be "voice create" (a subcommand); ``options`` as {name: value} pairs or the
        payload's own list; ``attachments`` (from ``attachment``) are resolved for the options."""
        top, _, sub = name.partition(" ")
        known = next(c for c in self.commands if c["name"] == top)
        listed = _options(options)
        if sub:
            listed = [{"type": 1, "name": sub, "options": listed}]
        data: dict[str, Any] = {"id": known["id"], "name": top, "type": 1, "options": listed}
        if attachments:
            data["resolved"] = {"attachments": {a["id"]: a for a in attachments}}
        return await self.interact(data, 2, **kw)

    async def complete(self, name: str, option: str, typed: str, **kw: Any) -> list[dict[str, Any]]:
        """What the bot offers while ``option`` of command ``name`` is being typed (autocomplete)."""
        top, _, sub = name.partition(" ")
        known = next(c for c in self.commands if c["name"] == top)
        listed = [{"type": 3, "name": option, "value": typed, "focused": True}]
        if sub:
            listed = [{"type": 1, "name": sub, "options": listed}]
        data = {"id": known["id"], "name": top, "type": 1, "options": listed}
        body = await self.reply_to(await self.interact(data, 4, **kw))
        assert body["type"] == 8, body  # APPLICATION_COMMAND_AUTOCOMPLETE_RESULT
        return body["data"]["choices"]

    async def press(self, custom_id: str, **kw: Any) -> dict[str, Any]:
        return await self.interact({"custom_id": custom_id, "component_type": 2}, 3, **kw)

    async def reply_to(self, interaction: dict[str, Any], limit_s: float = 60) -> dict[str, Any]:
        """The callback the bot sent for ``interaction`` (its JSON body)."""
        path = f"/interactions/{interaction['id']}/{interaction['token']}/callback"
        async with asyncio.timeout(limit_s):
            while True:
                for call in self.calls:
                    if call.path == path:
                        return call.body
                self.changed.clear()
                await self.changed.wait()

    async def answer(self, interaction: dict[str, Any], test=bool, limit_s: float = 90) -> str:
        """The text of the answer to ``interaction`` that passes ``test``: its callback, or (once
        deferred) a followup or an edit of it."""
        async with asyncio.timeout(limit_s):
            while True:
                for call in self.calls:
                    inside = call.path.startswith(f"/interactions/{interaction['id']}/")
                    if (inside or interaction["token"] in call.path) and isinstance(call.body, dict):
                        content = (call.body.get("data") or call.body).get("content") or ""
                        if test(content):
                            return content
                self.changed.clear()
                await self.changed.wait()

    async def sent(self, where: str, test, limit_s: float = 60) -> Call:
        """The first REST call under ``where`` (e.g. "/webhooks/": followups) whose body passes ``test``."""
        async with asyncio.timeout(limit_s):
            while True:
                for call in self.calls:
                    if call.path.startswith(where) and test(call.body or {}):
                        return call
                self.changed.clear()
                await self.changed.wait()

    # REST.
    async def _rest(self, request: web.Request) -> web.Response:
        path = "/" + request.match_info["tail"]
        body: Any = None
        if request.content_type == "application/json":
            body = await request.json()
        elif request.content_type.startswith("multipart/"):
            body = await self._multipart(request)
        self.calls.append(Call(request.method, path, body, time.monotonic()))
        self.changed.set()
        if request.method == "POST" and path.removeprefix("/channels/").split("/")[0] in self.forbidden:
            error = {"message": "Missing Access", "code": 50001}
            return web.Response(status=403, body=json.dumps(error).encode(), content_type="application/json")
        answer = self._answer(request.method, path, body)
        if answer is None:
            return web.Response(status=204)
        # Exactly "application/json" (no charset), or discord.py reads the body as text.
        return web.Response(body=json.dumps(answer).encode(), headers={"Content-Type": "application/json"})

    async def _multipart(self, request: web.Request) -> dict[str, Any]:
        out: dict[str, Any] = {"files": {}}
        reader = await request.multipart()
        while (part := await reader.next()) is not None:
            if part.name == "payload_json":
                out |= json.loads(await part.text())
            else:
                out["files"][part.filename or part.name] = await part.read()
        return out

    def _answer(self, method: str, path: str, body: Any) -> Any:
        if path == "/users/@me":
            return user(BOT_ID, "voicebot", bot=True) | {"verified": True, "mfa_enabled": False}
        if path == "/oauth2/applications/@me":
            return {
                "id": APP_ID,
                "name": "voicebot",
                "description": "",
                "icon": None,
                "bot_public": True,
                "bot_require_code_grant": False,
                "owner": user("1", "owner"),
                "verify_key": "0" * 64,
                "flags": 0,
            }
        if method == "PUT" and path == f"/applications/{APP_ID}/commands":
            self.commands = [
                command | {"id": snowflake(), "application_id": APP_ID, "version": snowflake()}
                for command in body
            ]
            return self.commands
        if path.startswith("/interactions/"):  # asked ``with_response``: the message it made
            message = self._message("777", (body or {}).get("data") or {})
            interaction = {"id": path.split("/")[2], "type": 2, "response_message_id": message["id"]}
            return {
                "interaction": interaction,
                "resource": {"type": (body or {}).get("type", 4), "message": message},
            }
        if path.startswith("/webhooks/"):
            return self._message("777", body or {})
        if method == "POST" and path == "/users/@me/channels":  # a DM with the person
            recipient = str((body or {}).get("recipient_id"))
            return {
                "id": f"8{recipient}",
                "type": 1,
                "recipients": [user(recipient)],
                "last_message_id": None,
            }
        if method == "POST" and path.startswith("/channels/"):
            return self._message(path.split("/")[2], body or {})
        return {}

    def _message(self, channel_id: str, body: dict[str, Any]) -> dict[str, Any]:
        attachments = [
            {"id": snowflake(), "filename": a.get("filename", "file"), "size": 1, "url": "http://x/",
             "proxy_url": "http://x/"} | {k: a[k] for k in ("duration_secs", "waveform") if k in a}
            for a in body.get("attachments", [])
        ]  # fmt: skip
        return {
            "id": snowflake(),
            "channel_id": channel_id,
            "author": user(BOT_ID, "voicebot", bot=True),
            "content": body.get("content", ""),
            "timestamp": "2026-12-01T00:00:00+00:00",
            "edited_timestamp": None,
            "tts": False,
            "mention_everyone": False,
            "mentions": [],
            "mention_roles": [],
            "attachments": attachments,
            "embeds": [],
            "pinned": False,
            "type": 0,
            "flags": body.get("flags", 0),
            "components": body.get("components", []),
        }


def _options(options: Any) -> list[dict[str, Any]]:
    """{"text": "hi", "file1": attachment} -> the payload's typed list."""
    if options is None or isinstance(options, list):
        return options or []
    out = []
    for name, value in options.items():
        if isinstance(value, dict):  # an attachment
            out.append({"type": 11, "name": name, "value": value["id"]})
        elif isinstance(value, bool):
            out.append({"type": 5, "name": name, "value": value})
        elif isinstance(value, int):
            out.append({"type": 4, "name": name, "value": value})
        elif isinstance(value, float):
            out.append({"type": 10, "name": name, "value": value})
        else:
            out.append({"type": 3, "name": name, "value": value})
    return out


@contextlib.asynccontextmanager
async def running_fake():
    fake = await FakeDiscord().start()
    try:
        yield fake
    finally:
        await fake.close()
