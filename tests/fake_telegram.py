"""A fake Telegram Bot API on 127.0.0.1, for driving the real aiogram client in tests.

Updates go in through ``message`` / ``voice`` / ``document`` / ``callback``; every method the bot
calls is recorded (``calls``) and can be awaited (``wait_for``). ``throttle(method, times)`` answers
the next calls of a method with 429 and ``retry_after``, like Telegram's flood control; ``fail``
with server errors. aiogram sends
methods as form data (nested objects as JSON strings) and uploads as multipart parts.
"""

from __future__ import annotations

import asyncio
import itertools
import json
import time
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web

BOT = {
    "id": 4242,
    "is_bot": True,
    "first_name": "voicebot",
    "username": "voicebot_test_bot",
    "can_join_groups": True,
    "can_read_all_group_messages": False,
    "supports_inline_queries": False,
}


@dataclass
class Call:
    method: str
    params: dict[str, Any]
    files: dict[str, bytes] = field(default_factory=dict)
    at: float = field(default_factory=time.monotonic)


class FakeTelegram:
    def __init__(self, token: str = "4242:TEST-TOKEN") -> None:
        self.token = token
        self.calls: list[Call] = []
        self.files: dict[str, bytes] = {}
        self._updates: list[dict[str, Any]] = []
        self._new_update = asyncio.Condition()
        self._new_call = asyncio.Condition()
        self._ids = itertools.count(1)
        self._throttled: dict[str, int] = {}
        self._failing: dict[str, list[int]] = {}  # method -> the statuses its next calls get
        self._runner: web.AppRunner | None = None
        self.url = ""

    # ---- lifecycle -----------------------------------------------------------------------------

    async def start(self) -> str:
        app = web.Application(client_max_size=64 * 1024 * 1024)
        app.router.add_post("/bot{token}/{method}", self._method)
        app.router.add_get("/file/bot{token}/{path:.+}", self._file)
        self._runner = web.AppRunner(app)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        port = site._server.sockets[0].getsockname()[1]
        self.url = f"http://127.0.0.1:{port}"
        return self.url

    async def stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()

    # ---- what users do -------------------------------------------------------------------------

    def _user(self, user_id: int, language: str | None) -> dict[str, Any]:
        user = {"id": user_id, "is_bot": False, "first_name": f"user{user_id}"}
        return user | ({"language_code": language} if language else {})

    async def _push(self, kind: str, payload: dict[str, Any]) -> None:
        async with self._new_update:
            self._updates.append({"update_id": next(self._ids), kind: payload})
            self._new_update.notify_all()

    def _message(
        self, user_id: int, chat_id: int | None, language: str | None, **fields: Any
    ) -> dict[str, Any]:
        chat_id = chat_id or user_id
        chat = {"id": chat_id, "type": "private" if chat_id == user_id else "group"}
        return {
            "message_id": next(self._ids),
            "date": int(time.time()),
            "chat": chat,
            "from": self._user(user_id, language),
        } | fields

    async def message(
        self, user_id: int, text: str, *, chat_id: int | None = None, language: str = "en"
    ) -> None:
        fields: dict[str, Any] = {"text": text}
        if text.startswith("/"):
            fields["entities"] = [{"type": "bot_command", "offset": 0, "length": len(text.split()[0])}]
        await self._push("message", self._message(user_id, chat_id, language, **fields))

    def _file_id(self, data: bytes, size: int | None) -> dict[str, Any]:
        file_id = f"file{next(self._ids)}"
        self.files[file_id] = data
        return {
            "file_id": file_id,
            "file_unique_id": file_id + "u",
            "file_size": len(data) if size is None else size,
        }

    async def voice(
        self, user_id: int, data: bytes, duration: int, *, size: int | None = None, language: str = "en"
    ) -> None:
        voice = self._file_id(data, size) | {"duration": duration, "mime_type": "audio/ogg"}
        await self._push("message", self._message(user_id, None, language, voice=voice))

    async def document(
        self,
        user_id: int,
        data: bytes,
        name: str,
        mime: str,
        *,
        size: int | None = None,
        language: str = "en",
        caption: str | None = None,
    ) -> None:
        document = self._file_id(data, size) | {"file_name": name, "mime_type": mime}
        extra = {"caption": caption} if caption else {}
        await self._push("message", self._message(user_id, None, language, document=document, **extra))

    async def video(
        self, user_id: int, data: bytes, duration: int, *, note: bool = False, language: str = "en"
    ) -> None:
        """A video message (``mime_type`` declared), or a round video note (``note``: none declared)."""
        media = self._file_id(data, None) | {"duration": duration}
        if note:
            fields = {"video_note": media | {"length": 240}}
        else:
            fields = {"video": media | {"width": 32, "height": 32, "mime_type": "video/mp4"}}
        await self._push("message", self._message(user_id, None, language, **fields))

    async def callback(
        self, user_id: int, message: dict[str, Any], data: str, *, language: str = "en"
    ) -> None:
        query = {
            "id": str(next(self._ids)),
            "from": self._user(user_id, language),
            "chat_instance": "1",
            "message": message,
            "data": data,
        }
        await self._push("callback_query", query)

    def throttle(self, method: str, times: int = 1) -> None:
        self._throttled[method] = times

    def fail(self, method: str, statuses: list[int]) -> None:
        """The next calls of ``method`` get these server errors (a storm of 502s, say), in order."""
        self._failing[method] = list(statuses)

    async def wait_for(self, method: str, within: float = 30.0, after: int = 0, **match: Any) -> Call:
        """The first call of ``method`` (from index ``after``) whose params contain ``match``."""

        def found() -> Call | None:
            for call in self.calls[after:]:
                if call.method == method and all(str(call.params.get(k)) == str(v) for k, v in match.items()):
                    return call
            return None

        async with asyncio.timeout(within), self._new_call:
            while (call := found()) is None:
                await self._new_call.wait()
            return call

    # ---- the API -------------------------------------------------------------------------------

    async def _params(self, request: web.Request) -> tuple[dict[str, Any], dict[str, bytes]]:
        params: dict[str, Any] = {}
        files: dict[str, bytes] = {}
        if request.content_type.startswith("multipart/"):
            reader = await request.multipart()
            async for part in reader:
                if part.filename is not None:
                    files[part.name] = bytes(await part.read())
                else:
                    params[part.name] = await part.text()
        elif request.content_type == "application/json":
            params = await request.json()
        elif request.can_read_body:
            params = dict(await request.post())
        for name, value in list(params.items()):  # aiogram names an upload "attach://<part>"
            if isinstance(value, str) and value.startswith("attach://") and value[9:] in files:
                files[name] = files.pop(value[9:])
        return params, files

    async def _method(self, request: web.Request) -> web.Response:
        arrived = time.monotonic()  # a call's time is its arrival, before its body is parsed
        if request.match_info["token"] != self.token:
            return web.json_response(
                {"ok": False, "error_code": 401, "description": "Unauthorized"}, status=401
            )
        method = request.match_info["method"]
        params, files = await self._params(request)
        if method != "getUpdates":
            async with self._new_call:
                self.calls.append(Call(method, params, files, arrived))
                self._new_call.notify_all()
        if self._failing.get(method):
            status = self._failing[method].pop(0)
            return web.json_response(
                {"ok": False, "error_code": status, "description": "Bad Gateway"}, status=status
            )
        if self._throttled.get(method):
            self._throttled[method] -= 1
            return web.json_response(
                {
                    "ok": False,
                    "error_code": 429,
                    "description": "Too Many Requests: retry after 1",
                    "parameters": {"retry_after": 1},
                },
                status=429,
            )
        if method == "getFile" and params["file_id"] not in self.files:  # as Telegram answers it
            return web.json_response(
                {"ok": False, "error_code": 400, "description": "Bad Request: invalid file_id"}, status=400
            )
        result = await self._answer(method, params, files)
        return web.json_response({"ok": True, "result": result})

    async def _answer(self, method: str, params: dict[str, Any], files: dict[str, bytes]) -> Any:
        if method == "getMe":
            return BOT
        if method == "getUpdates":
            return await self._get_updates(
                int(params.get("offset", 0) or 0), float(params.get("timeout", 0) or 0)
            )
        if method in ("sendMessage", "editMessageText"):
            return self._sent(params, text=params.get("text"), reply_markup=_json(params.get("reply_markup")))
        if method in ("sendVoice", "sendAudio", "sendDocument"):
            kind = method[4:].lower()
            data = files.get(kind) or next(iter(files.values()), b"")
            entry = self._file_id(data, None) | (
                {"duration": int(params.get("duration", 0) or 0)} if kind != "document" else {}
            )
            return self._sent(params, **{kind: entry, "caption": params.get("caption")})
        if method == "getFile":
            file_id = params["file_id"]
            return {
                "file_id": file_id,
                "file_unique_id": file_id + "u",
                "file_size": len(self.files[file_id]),
                "file_path": f"files/{file_id}.bin",
            }
        return True  # deleteWebhook, sendChatAction, answerCallbackQuery, setMyCommands, deleteMessage …

    def _sent(self, params: dict[str, Any], **fields: Any) -> dict[str, Any]:
        chat_id = int(params["chat_id"])
        message_id = int(params.get("message_id") or next(self._ids))
        message = {
            "message_id": message_id,
            "date": int(time.time()),
            "chat": {"id": chat_id, "type": "private"},
            "from": BOT,
        }
        return message | {k: v for k, v in fields.items() if v is not None}

    async def _get_updates(self, offset: int, wait_s: float) -> list[dict[str, Any]]:
        def pending() -> list[dict[str, Any]]:
            return [u for u in self._updates if u["update_id"] >= offset]

        async with self._new_update:
            if not pending() and wait_s:
                try:
                    async with asyncio.timeout(min(wait_s, 1.0)):
                        await self._new_update.wait_for(lambda: bool(pending()))
                except TimeoutError:
                    pass
            return pending()

    async def _file(self, request: web.Request) -> web.Response:
        file_id = request.match_info["path"].split("/")[-1].split(".")[0]
        if request.match_info["token"] != self.token or file_id not in self.files:
            return web.Response(status=404)
        return web.Response(body=self.files[file_id])


def _json(value: Any) -> Any:
    return json.loads(value) if isinstance(value, str) and value[:1] in "{[" else value
