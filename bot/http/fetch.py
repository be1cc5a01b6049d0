"""``audioUrl`` samples: fetched only when the operator allows it, only over http(s), only from hosts
on the allow-list, never from a private, loopback or link-local address unless allowed (each address
a name resolves to is checked, and the connection goes to the checked address only), with a size and
a time cap; every redirect is checked again. Nothing else reaches the network from a request."""

from __future__ import annotations

import asyncio
import fnmatch
import ipaddress
import socket
from typing import Any
from urllib.parse import urljoin, urlsplit

import aiohttp
from aiohttp.abc import AbstractResolver, ResolveResult
from aiohttp.resolver import ThreadedResolver

from bot.config import HttpConfig
from handlers.errors import Refusal

MAX_REDIRECTS = 3


def _refused(why: str) -> Refusal:
    return Refusal("forbidden", f"audioUrl refused: {why}")


def _public(address: str, config: HttpConfig) -> None:
    ip = ipaddress.ip_address(address.split("%")[0])
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped:
        ip = ip.ipv4_mapped
    if config.fetch_private:
        return
    if not ip.is_global or ip.is_multicast:
        raise _refused(f"{address} is a private, loopback or link-local address")


class _CheckedResolver(AbstractResolver):
    """Resolves like the system, then refuses any address that is not allowed: the connection can
    only go where the check looked (no DNS rebinding between a check and the connect)."""

    def __init__(self, config: HttpConfig) -> None:
        self._config, self._inner = config, ThreadedResolver()

    async def resolve(
        self, host: str, port: int = 0, family: socket.AddressFamily = socket.AF_INET
    ) -> list[ResolveResult]:
        found = await self._inner.resolve(host, port, family)
        for result in found:
            _public(result["host"], self._config)
        return found

    async def close(self) -> None:
        await self._inner.close()


def _allowed(url: str, config: HttpConfig) -> None:
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise _refused("only http and https URLs are fetched")
    if parts.username or parts.password:
        raise _refused("URLs with credentials are not fetched")
    host = parts.hostname.lower().rstrip(".")
    if not any(fnmatch.fnmatchcase(host, pattern.lower()) for pattern in config.fetch_hosts):
        raise _refused(f"{host} is not on this server's list of hosts to fetch from")
    try:
        _public(host, config)  # an address written in the URL never goes through the resolver
    except ValueError:
        pass  # a name: checked as it resolves


async def fetch(url: str, config: HttpConfig) -> bytes:
    """The bytes at ``url`` (following at most ``MAX_REDIRECTS`` checked redirects)."""
    if not config.fetch_urls:
        raise Refusal("invalid_request", "audioUrl is not allowed on this server; send audioBase64")
    cap = int(config.fetch_max_mb * 2**20)
    connector = aiohttp.TCPConnector(resolver=_CheckedResolver(config), use_dns_cache=False)
    timeout = aiohttp.ClientTimeout(total=config.fetch_timeout_s)
    try:
        async with aiohttp.ClientSession(connector=connector, timeout=timeout) as session:
            for _ in range(MAX_REDIRECTS + 1):
                _allowed(url, config)
                async with session.get(url, allow_redirects=False) as answer:
                    if answer.status in (301, 302, 303, 307, 308) and "location" in answer.headers:
                        url = urljoin(url, answer.headers["location"])
                        continue
                    return await _body(answer, cap, url)
            raise _refused(f"more than {MAX_REDIRECTS} redirects")
    except (aiohttp.ClientError, TimeoutError, OSError) as exc:
        raise Refusal("fetch_failed", f"audioUrl could not be fetched ({_reason(exc)})") from None


async def _body(answer: Any, cap: int, url: str) -> bytes:
    if answer.status != 200:
        raise Refusal("fetch_failed", f"audioUrl answered {answer.status}: {urlsplit(url).path or '/'}")
    if (answer.content_length or 0) > cap:
        raise Refusal("file_too_large", f"audioUrl is over {cap // 2**20} MiB")
    data = bytearray()
    async for block in answer.content.iter_chunked(65536):
        data += block
        if len(data) > cap:
            raise Refusal("file_too_large", f"audioUrl is over {cap // 2**20} MiB")
    return bytes(data)


def _reason(exc: BaseException) -> str:
    if isinstance(exc, TimeoutError | asyncio.TimeoutError):
        return "it took too long"
    return type(exc).__name__
