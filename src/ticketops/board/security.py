"""The guard of a local web server: token, Host and Origin, checked on every request.

* The server prints one address with a random token (``/?token=...``). Opening it sets a session
  cookie (HttpOnly, SameSite=Strict, a second random value: the token itself is never stored in
  the browser nor put in a page) and redirects to the same address without the token. Every other
  request needs that cookie; anything else is 403.
* ``Host`` must be the address the server listens on (``127.0.0.1:PORT`` or ``localhost:PORT``):
  a DNS-rebinding page reaches the server under its own host name and is refused.
* ``Origin``, when sent, must be the board's own; a request that changes something (any method
  but GET/HEAD) must send it. A page of another site cannot post to the board.
"""

from __future__ import annotations

import secrets
from collections.abc import Iterable
from dataclasses import dataclass, field
from http.cookies import SimpleCookie
from urllib.parse import parse_qsl

from starlette.types import ASGIApp, Receive, Scope, Send

COOKIE = "ticketops_board"
SAFE_METHODS = ("GET", "HEAD")


def new_token() -> str:
    return secrets.token_urlsafe(24)


@dataclass
class Guard:
    """What the server accepts: its token, its host names and port."""

    token: str
    hosts: tuple[str, ...]  # host[:port] values accepted in the Host header
    session: str = field(default_factory=new_token)

    @classmethod
    def for_address(cls, token: str, host: str, port: int, extra: Iterable[str] = ()) -> Guard:
        names = {host, "127.0.0.1", "localhost"} if host in ("127.0.0.1", "localhost") else {host}
        return cls(token, tuple(sorted({f"{n}:{port}" for n in names} | set(extra))))

    @property
    def origins(self) -> tuple[str, ...]:
        return tuple(f"http://{h}" for h in self.hosts)


class GuardMiddleware:
    """ASGI middleware: refuses what :class:`Guard` does not accept, before any route runs."""

    def __init__(self, app: ASGIApp, guard: Guard) -> None:
        self.app = app
        self.guard = guard

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope["headers"]}
        host = headers.get("host", "")
        if host not in self.guard.hosts:
            await _refuse(send, 403, "refused: unexpected Host header (the board answers only on its own address)")
            return
        origin = headers.get("origin")
        method = scope["method"].upper()
        if origin is not None and origin not in self.guard.origins:
            await _refuse(send, 403, "refused: cross-site request (Origin is not the board's)")
            return
        if method not in SAFE_METHODS and origin is None:
            await _refuse(send, 403, "refused: a request that writes must come from the board's page (no Origin)")
            return
        query = dict(parse_qsl(scope.get("query_string", b"").decode("latin-1")))
        given = query.get("token")
        if given is not None:
            if not secrets.compare_digest(given, self.guard.token):
                await _refuse(send, 403, "refused: wrong token; open the address `ticketops board` printed")
                return
            await _enter(send, scope, self.guard.session)
            return
        cookie = SimpleCookie()
        cookie.load(headers.get("cookie", ""))
        morsel = cookie.get(COOKIE)
        if morsel is None or not secrets.compare_digest(morsel.value, self.guard.session):
            await _refuse(send, 403, "refused: no board session; open the address `ticketops board` printed")
            return
        await self.app(scope, receive, send)


async def _enter(send: Send, scope: Scope, session: str) -> None:
    """Set the session cookie and redirect to the same path, the token dropped from the address."""
    rest = [(k, v) for k, v in parse_qsl(scope.get("query_string", b"").decode("latin-1")) if k != "token"]
    from urllib.parse import urlencode

    location = scope.get("path", "/") + (("?" + urlencode(rest)) if rest else "")
    cookie = f"{COOKIE}={session}; HttpOnly; SameSite=Strict; Path=/"
    await send(
        {
            "type": "http.response.start",
            "status": 303,
            "headers": [
                (b"location", location.encode("latin-1")),
                (b"set-cookie", cookie.encode("latin-1")),
                (b"cache-control", b"no-store"),
                (b"referrer-policy", b"no-referrer"),
            ],
        }
    )
    await send({"type": "http.response.body", "body": b""})


async def _refuse(send: Send, status: int, message: str) -> None:
    body = (message + "\n").encode("utf-8")
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [(b"content-type", b"text/plain; charset=utf-8"), (b"content-length", str(len(body)).encode())],
        }
    )
    await send({"type": "http.response.body", "body": body})
