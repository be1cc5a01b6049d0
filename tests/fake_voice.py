"""A fake Discord voice server on 127.0.0.1: the voice websocket over TLS (a throwaway certificate
authority from ``trustme``) and the UDP endpoint, which answers IP discovery and decrypts every
packet the bot sends (aead_xchacha20_poly1305_rtpsize, the key it handed out).

DAVE: the bot offers its highest DAVE version in IDENTIFY (recorded); this server answers with
version 0, so the frames inside the transport encryption are plain Opus (the MLS handshake of
end-to-end encryption is discord.py's and davey's, not exercised here).
"""

from __future__ import annotations

import asyncio
import json
import os
import ssl
import struct
import threading
import time
from dataclasses import dataclass, field

import nacl.secret
import trustme
from aiohttp import WSMsgType, web

MODE = "aead_xchacha20_poly1305_rtpsize"


@dataclass
class Packet:
    arrived: float  # time.monotonic()
    sequence: int
    timestamp: int
    opus: bytes


@dataclass
class FakeVoice:
    packets: list[Packet] = field(default_factory=list)
    identified: list[dict] = field(default_factory=list)  # IDENTIFY payloads
    speaking: list[int] = field(default_factory=list)
    arrived: asyncio.Event = field(default_factory=asyncio.Event)
    spoke: asyncio.Event = field(default_factory=asyncio.Event)  # a SPEAKING update came
    first: threading.Event | None = None  # set when the first packet arrives (for the test's gate)
    key: bytes = field(default_factory=lambda: os.urandom(32))
    port: int = 0
    udp_port: int = 0
    _ca: trustme.CA = field(default_factory=trustme.CA)
    _runner: web.AppRunner | None = None
    _udp: asyncio.DatagramTransport | None = None

    @property
    def endpoint(self) -> str:
        return f"127.0.0.1:{self.port}"

    def client_ssl(self) -> ssl.SSLContext:
        """What the bot must trust to reach this server (tests give it to discord.py's ws_connect)."""
        context = ssl.create_default_context()
        self._ca.configure_trust(context)
        return context

    async def start(self) -> FakeVoice:
        loop = asyncio.get_running_loop()
        self._udp, _ = await loop.create_datagram_endpoint(lambda: _Udp(self), local_addr=("127.0.0.1", 0))
        self.udp_port = self._udp.get_extra_info("sockname")[1]
        server_ssl = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        self._ca.issue_cert("127.0.0.1").configure_cert(server_ssl)
        app = web.Application()
        app.router.add_get("/", self._socket)
        self._runner = web.AppRunner(app)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0, ssl_context=server_ssl)
        await site.start()
        self.port = site._server.sockets[0].getsockname()[1]
        return self

    async def close(self) -> None:
        if self._udp is not None:
            self._udp.close()
        if self._runner is not None:
            await self._runner.cleanup()

    async def _socket(self, request: web.Request) -> web.WebSocketResponse:
        ws = web.WebSocketResponse()
        await ws.prepare(request)
        await ws.send_str(json.dumps({"op": 8, "d": {"heartbeat_interval": 5000}}))
        async for msg in ws:
            if msg.type != WSMsgType.TEXT:
                continue
            payload = json.loads(msg.data)
            op, data = payload["op"], payload.get("d")
            if op == 0:  # IDENTIFY
                self.identified.append(data)
                ready = {"ssrc": 4321, "ip": "127.0.0.1", "port": self.udp_port, "modes": [MODE]}
                await ws.send_str(json.dumps({"op": 2, "d": ready | {"heartbeat_interval": 5000}}))
            elif op == 1:  # SELECT_PROTOCOL
                session = {
                    "mode": data["data"]["mode"],
                    "secret_key": list(self.key),
                    "dave_protocol_version": 0,
                }
                await ws.send_str(json.dumps({"op": 4, "d": session}))
            elif op == 3:  # HEARTBEAT
                await ws.send_str(json.dumps({"op": 6, "d": data}))
            elif op == 5:  # SPEAKING
                self.speaking.append(data["speaking"])
                self.spoke.set()
        return ws

    def received(self, datagram: bytes, sender: tuple[str, int]) -> bytes | None:
        """A reply for IP discovery; every voice packet decrypted and kept."""
        if len(datagram) == 74 and datagram[:2] == b"\x00\x01":
            reply = bytearray(74)
            struct.pack_into(">HHI", reply, 0, 2, 70, struct.unpack_from(">I", datagram, 4)[0])
            reply[8 : 8 + len(sender[0])] = sender[0].encode()
            struct.pack_into(">H", reply, 72, sender[1])
            return bytes(reply)
        header, body, counter = datagram[:12], datagram[12:-4], datagram[-4:]
        opus = nacl.secret.Aead(self.key).decrypt(body, header, counter + bytes(20))
        sequence, timestamp = struct.unpack_from(">HI", header, 2)
        self.packets.append(Packet(time.monotonic(), sequence, timestamp, opus))
        self.arrived.set()
        if self.first is not None:
            self.first.set()
        return None


class _Udp(asyncio.DatagramProtocol):
    def __init__(self, server: FakeVoice) -> None:
        self.server = server
        self.transport: asyncio.DatagramTransport | None = None

    def connection_made(self, transport) -> None:
        self.transport = transport

    def datagram_received(self, data: bytes, addr) -> None:
        reply = self.server.received(data, addr)
        if reply is not None and self.transport is not None:
            self.transport.sendto(reply, addr)
