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

from engine.errors import AudioError
from handlers import apikeys
from handlers.context import Context
from handlers.errors import Refusal

log = logging.getLogger("voicebot.http")

STATUS = {  # a refusal's code -> its HTTP status (anything else is a 400)
    "unauthorized": 401,
    "consent_required": 403,
    "forbidden": 403,
    "not_found": 404,
    "name_taken": 409,
    "file_too_large": 413,
    "too_long": 413,
    "validation_error": 422,
    "quota_exceeded": 429,
    "rate_limited": 429,
    "queue_full": 429,
    "engine_unavailable": 503,
}


def error(code: str, message: str, status: int | None = None) -> JSONResponse:
    return JSONResponse({"error": {"code": code, "message": message}}, status or STATUS.get(code, 400))


class Unauthorized(Exception):
    pass


async def owner(request: Request) -> int:
    """The person behind the request's key; 401 without a live one."""
    header = request.headers.get("authorization", "")
    scheme, _, secret = header.partition(" ")
    ctx: Context = request.app.state.ctx
    owner_id = await apikeys.owner_of(ctx, secret.strip()) if scheme.lower() == "bearer" else None
    if owner_id is None:
        raise Unauthorized
    return owner_id


Owner = Annotated[int, Depends(owner)]


def context(request: Request) -> Context:
    return request.app.state.ctx


Ctx = Annotated[Context, Depends(context)]


def create_app(ctx: Context, max_body: int = 50 * 2**20) -> FastAPI:
    from bot.http.routes import consent, voices

    app = FastAPI(title="voicebot", version="0.1.0", docs_url=None, redoc_url=None)
    app.state.ctx = ctx

    @app.middleware("http")
    async def _capped(request: Request, call_next: Any) -> Any:
        """A body over the cap is refused from its declared length, before it is read."""
        declared = request.headers.get("content-length")
        if declared and declared.isdigit() and int(declared) > max_body:
            return error("file_too_large", f"The request body is over {max_body // 2**20} MiB.")
        return await call_next(request)

    for feature in (consent, voices):
        app.include_router(feature.router)

    @app.exception_handler(Unauthorized)
    async def _unauthorized(_: Request, __: Exception) -> JSONResponse:
        return error(
            "unauthorized", "Send an API key as 'Authorization: Bearer <key>' (voicebot apikey create)."
        )

    @app.exception_handler(Refusal)
    async def _refused(_: Request, exc: Refusal) -> JSONResponse:
        return error(exc.code, exc.message)

    @app.exception_handler(AudioError)
    async def _audio(_: Request, exc: AudioError) -> JSONResponse:
        return error(exc.code, exc.message, STATUS.get(exc.code, 422))

    @app.exception_handler(RequestValidationError)
    async def _invalid(_: Request, exc: RequestValidationError) -> JSONResponse:
        first: dict[str, Any] = exc.errors()[0] if exc.errors() else {}
        where = ".".join(str(p) for p in first.get("loc", ()) if p != "body")
        return error("invalid_request", f"{where}: {first.get('msg', 'invalid')}".strip(": "), 422)

    @app.exception_handler(HTTPException)
    async def _http(_: Request, exc: HTTPException) -> JSONResponse:
        code = {404: "not_found", 405: "method_not_allowed"}.get(exc.status_code, "http_error")
        return error(code, str(exc.detail), exc.status_code)

    @app.exception_handler(Exception)
    async def _unexpected(_: Request, exc: Exception) -> JSONResponse:  # never a stack trace out
        log.exception("unexpected failure", exc_info=exc)
        return error("internal_error", "Something went wrong on our side; the details are in the log.", 500)

    return app
