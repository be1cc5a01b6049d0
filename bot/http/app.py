"""The HTTP API's application: a key per person (``Authorization: Bearer``), one error shape
``{"error": {"code", "message"}}`` with the status its code means, and a router per feature. It
translates only: every rule is a use case in ``handlers/``."""

from __future__ import annotations

import logging
from typing import Annotated, Any

from fastapi import Depends, FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException

from bot.config import HttpConfig
from bot.contract import first_error
from bot.http import links
from engine.errors import AudioError
from engine.speech.text import MAX_TEXT
from handlers import apikeys
from handlers.context import Context
from handlers.errors import Refusal
from handlers.messages import describe_key, spoken, unexpected
from storage.api_keys import digest
from storage.db import is_busy
from storage.files import no_room

log = logging.getLogger("voicebot.http")

STATUS = {  # a refusal's code -> its HTTP status (anything else is a 400)
    "unauthorized": 401,
    "consent_required": 403,
    "forbidden": 403,
    "not_found": 404,
    "name_taken": 409,
    "already_finished": 409,
    "file_too_large": 413,
    "too_long": 413,
    "validation_error": 422,
    "fetch_failed": 422,
    "quota_exceeded": 429,
    "rate_limited": 429,
    "queue_full": 429,
    "engine_unavailable": 503,
}

HTTP_CODES = {404: "not_found", 405: "method_not_allowed", 413: "file_too_large"}


def error(code: str, message: str, status: int | None = None) -> JSONResponse:
    return JSONResponse({"error": {"code": code, "message": message}}, status or STATUS.get(code, 400))


class Unauthorized(Exception):
    pass


class Throttled(Exception):
    def __init__(self, wait_s: float) -> None:
        self.wait_s = wait_s


def _secret(request: Request) -> str:
    scheme, _, secret = request.headers.get("authorization", "").partition(" ")
    return secret.strip() if scheme.lower() == "bearer" else ""


async def owner(request: Request) -> int:
    """The person behind the request's key; 401 without a live one, 429 past the key's rate."""
    secret = _secret(request)
    owner_id = await apikeys.owner_of(request.app.state.ctx, secret)
    if owner_id is None:
        raise Unauthorized
    if wait_s := request.app.state.limiter.wait_s(digest(secret)):
        raise Throttled(wait_s)
    return owner_id


async def link_owner(request: Request, token: str | None = None) -> int:
    """For a download link: the owner its token was signed for, else the request's key."""
    if token is not None:
        found = links.owner_of(request.app.state.link_key, token, request.url.path)
        if found is None:
            raise Refusal("not_found", "This link is not valid or has expired; ask for the audio again.")
        return found
    return await owner(request)


Owner = Annotated[int, Depends(owner)]
LinkOwner = Annotated[int, Depends(link_owner)]


def language(request: Request) -> str | None:
    """The first language of ``Accept-Language`` ("fr-CH, fr;q=0.9, en;q=0.8" -> "fr-CH")."""
    first = request.headers.get("accept-language", "").split(",")[0].split(";")[0].strip()
    return first or None


def _said(locale: str | None, errors: list) -> str:
    """A request's first problem; a text to say that is empty or too long, in the person's words
    (the text rules' own sentences), anything else as ``where: what``."""
    first = errors[0] if errors else {}
    given, kind = first.get("input"), first.get("type")
    if first.get("loc", ())[-1:] in (("text",), ("input",)) and isinstance(given, str):
        if kind == "string_too_long":
            return describe_key(locale, "text_too_long", {"length": len(given), "limit": MAX_TEXT})
        if kind == "string_too_short":
            return describe_key(locale, "text_empty", {})
    return first_error(errors)


def link(request: Request, owner_id: int, route: str, **params: str) -> str:
    """A signed, expiring URL on this server for one of the owner's downloads."""
    url = request.url_for(route, **params)
    token = links.sign(request.app.state.link_key, owner_id, url.path, request.app.state.link_ttl_s)
    return str(url.include_query_params(token=token))


def context(request: Request) -> Context:
    return request.app.state.ctx


Ctx = Annotated[Context, Depends(context)]


class BodyCap:
    """Request bodies over the cap are refused: from the declared length before a byte is read, and
    while a body without one (chunked) is read, as soon as it passes the cap."""

    def __init__(self, app: Any, max_body: int) -> None:
        self.app, self.max_body = app, max_body

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        too_large = f"The request body is over {self.max_body / 2**20:g} MiB."
        declared = dict(scope["headers"]).get(b"content-length", b"")
        if declared.isdigit() and int(declared) > self.max_body:
            return await error("file_too_large", too_large)(scope, receive, send)
        seen = 0

        async def counted() -> Any:
            nonlocal seen
            message = await receive()
            seen += len(message.get("body", b""))
            if seen > self.max_body:
                raise HTTPException(413, too_large)
            return message

        return await self.app(scope, counted, send)


def create_app(ctx: Context, config: HttpConfig | None = None) -> FastAPI:
    from bot.http.routes import batch, consent, openai, voices

    config = config or HttpConfig()
    max_body = int(config.max_body_mb * 2**20)
    app = FastAPI(title="voicebot", version="0.1.0", docs_url=None, redoc_url=None)
    app.state.ctx, app.state.config = ctx, config
    app.state.limiter = apikeys.Limiter(config.requests_per_minute)
    app.state.link_key = links.load_key(ctx.storage.files.root)
    # a link never outlives the file it points at
    app.state.link_ttl_s = min(config.link_ttl_s, ctx.output_retention_days * 86400)

    app.add_middleware(BodyCap, max_body=max_body)

    for feature in (consent, voices, batch, openai):
        app.include_router(feature.router)

    @app.exception_handler(Unauthorized)
    async def _unauthorized(_: Request, __: Exception) -> JSONResponse:
        return error(
            "unauthorized", "Send an API key as 'Authorization: Bearer <key>' (voicebot apikey create)."
        )

    @app.exception_handler(Throttled)
    async def _throttled(_: Request, exc: Exception) -> JSONResponse:
        wait_s = exc.wait_s if isinstance(exc, Throttled) else 1.0
        answer = error("rate_limited", f"Too many requests with this key; try again in {wait_s:g} s.")
        answer.headers["Retry-After"] = str(max(1, round(wait_s)))
        return answer

    @app.exception_handler(Refusal)
    async def _refused(_: Request, exc: Refusal) -> JSONResponse:
        return error(exc.code, exc.message)

    @app.exception_handler(AudioError)
    async def _audio(request: Request, exc: AudioError) -> JSONResponse:
        return error(exc.code, spoken(language(request), exc), STATUS.get(exc.code, 422))

    @app.exception_handler(RequestValidationError)
    async def _invalid(request: Request, exc: RequestValidationError) -> JSONResponse:
        return error("invalid_request", _said(language(request), list(exc.errors())), 422)

    @app.exception_handler(HTTPException)
    async def _http(_: Request, exc: HTTPException) -> JSONResponse:
        code = HTTP_CODES.get(exc.status_code, "http_error")
        return error(code, str(exc.detail), exc.status_code)

    @app.exception_handler(Exception)
    async def _unexpected(request: Request, exc: Exception) -> JSONResponse:  # never a stack trace out
        if no_room(exc):  # the operator's to fix; the client may try again later
            log.error("no room to write: %s", exc)
            return error("storage_full", unexpected(language(request), exc), 507)
        if is_busy(exc):
            log.warning("database busy: %s", exc)
            busy = error("busy", unexpected(language(request), exc), 503)
            busy.headers["Retry-After"] = "5"
            return busy
        log.exception("unexpected failure", exc_info=exc)
        return error("internal_error", "Something went wrong on our side; the details are in the log.", 500)

    return app
