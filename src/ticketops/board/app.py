"""The board's web app (Starlette): pages and fragments for htmx, the move, commit and reconcile
endpoints, the live event stream. Every request passes :class:`GuardMiddleware` first."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from importlib import resources
from urllib.parse import parse_qsl

from jinja2 import Environment, PackageLoader, select_autoescape
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import HTMLResponse, PlainTextResponse, Response, StreamingResponse
from starlette.routing import Route

from ticketops.ado import AdoClient
from ticketops.board import live
from ticketops.board.filters import Filters, choices
from ticketops.board.moves import Stale, commit, preview, write
from ticketops.board.panel import panel
from ticketops.board.reconcile import reconcile_lines
from ticketops.board.security import Guard, GuardMiddleware
from ticketops.board.source import BoardSource
from ticketops.board.view import BoardView
from ticketops.model.config import BoardConfig
from ticketops.model.errors import TicketopsError, ValidationFailed

STATIC = {"board.css": "text/css", "board.js": "text/javascript", "htmx.min.js": "text/javascript"}
CSP = (
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; "
    "form-action 'self'; frame-ancestors 'none'; base-uri 'none'"
)
HEADERS = {
    "Content-Security-Policy": CSP,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "Cache-Control": "no-store",
}


async def _form(request: Request) -> dict[str, str]:
    """The fields of a urlencoded form (what htmx and the page send); nothing else is accepted."""
    kind = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if kind != "application/x-www-form-urlencoded":
        return {}
    body = await request.body()
    return dict(parse_qsl(body.decode("utf-8", errors="replace")[:65536], keep_blank_values=True))


def environment() -> Environment:
    env = Environment(loader=PackageLoader("ticketops.board", "templates"), autoescape=select_autoescape(["html"]))
    env.globals["vote_class"] = lambda v: "ok" if v > 0 else ("bad" if v < 0 else "none")
    return env


def static_text(name: str) -> str:
    return resources.files("ticketops.board").joinpath("static", name).read_text(encoding="utf-8")


@dataclass
class BoardApp:
    source: BoardSource
    write_client_for: Callable[[BoardConfig], AdoClient] | None = None
    ado_interval: float = 30.0
    env: Environment | None = None

    def __post_init__(self) -> None:
        self.env = self.env or environment()
        self.hub = live.Hub()

    # ---- rendering ------------------------------------------------------------------------
    def render(self, name: str, status: int = 200, **values: object) -> HTMLResponse:
        return self.render_values(name, values, status)

    def render_values(self, name: str, values: dict[str, object], status: int = 200) -> HTMLResponse:
        assert self.env is not None
        return HTMLResponse(self.env.get_template(name).render(**values), status_code=status, headers=HEADERS)

    def board_values(self, request: Request) -> dict[str, object]:
        filters = Filters.parse(request.query_params)
        view = self.source.view(filters.rev or None)
        shown = filters.apply(view)
        return {
            "view": shown,
            "all": view,
            "filters": filters,
            "choices": choices(view.columns),
            "editable": not view.read_only,
            "rev_default": self.source.rev or "HEAD",
            "exported": False,
            "shown_count": len(shown.cards),
        }

    # ---- routes ---------------------------------------------------------------------------
    def page(self, request: Request) -> Response:
        try:
            return self.render_values("page.html", self.board_values(request))
        except ValidationFailed as e:
            return self.render(
                "error.html", 422, problems=[str(p) for p in e.problems], message="config.yaml is invalid"
            )
        except TicketopsError as e:
            return self.render("error.html", 400, problems=[], message=str(e))

    def ticket(self, request: Request) -> Response:
        key = request.path_params["key"].upper()
        filters = Filters.parse(request.query_params)
        facts = self.source.facts(filters.rev or None)
        found = panel(self.source, facts, key)
        if found is None:
            return self.render("error.html", 404, problems=[], message=f"no ticket {key} on this board")
        return self.render("panel.html", p=found, card=self.source.view(filters.rev or None).card(key))

    def _editable(self) -> BoardView | None:
        view = self.source.view(None)
        return None if view.read_only else view

    async def move_preview(self, request: Request) -> Response:
        form = await _form(request)
        if self._editable() is None:
            return PlainTextResponse("read-only board: cards cannot be moved", 403)
        key, status, blob = str(form.get("key", "")), str(form.get("status", "")), str(form.get("blob", ""))
        try:
            shown = await asyncio.to_thread(preview, self.source, key, status, blob)
        except Stale as e:
            return self.render("stale.html", 409, message=str(e))
        except ValidationFailed as e:
            return self.render("error.html", 422, problems=[str(p) for p in e.problems], message="not valid")
        except TicketopsError as e:
            return self.render("error.html", 400, problems=[], message=str(e))
        return self.render("preview.html", p=shown)

    async def move(self, request: Request) -> Response:
        form = await _form(request)
        if self._editable() is None:
            return PlainTextResponse("read-only board: cards cannot be moved", 403)
        key, status, blob = str(form.get("key", "")), str(form.get("status", "")), str(form.get("blob", ""))
        try:
            done = await asyncio.to_thread(write, self.source, key, status, blob)
        except Stale as e:
            return self.render("stale.html", 409, message=str(e))
        except ValidationFailed as e:
            return self.render("error.html", 422, problems=[str(p) for p in e.problems], message="not written")
        except TicketopsError as e:
            return self.render("error.html", 400, problems=[], message=str(e))
        await self.hub.bump(f"moved {done.key}")
        response = self.render("written.html", w=done)
        response.headers["HX-Trigger"] = "board-changed"
        return response

    async def commit(self, request: Request) -> Response:
        form = await _form(request)
        if self._editable() is None:
            return PlainTextResponse("read-only board: nothing is committed from here", 403)
        try:
            run = await asyncio.to_thread(
                commit, self.source, str(form.get("key", "")), str(form.get("message", "")), push=bool(form.get("push"))
            )
        except TicketopsError as e:
            return self.render("error.html", 400, problems=[], message=str(e))
        await self.hub.bump("committed")
        response = self.render("gitrun.html", 200 if run.ok else 500, run=run)
        response.headers["HX-Trigger"] = "board-changed"
        return response

    def reconcile(self, request: Request) -> Response:
        view = self.source.view(None)
        if view.read_only or self.write_client_for is None:
            return PlainTextResponse("read-only board: reconcile is not run from here", 403)
        desired = self.source.desired("HEAD")  # what `ticketops reconcile` applies: the committed tickets
        lines = reconcile_lines(desired, self.write_client_for, done=self.source.invalidate)
        return StreamingResponse(lines, media_type="text/plain; charset=utf-8", headers=HEADERS)

    def events(self, request: Request) -> Response:
        headers = {**HEADERS, "X-Accel-Buffering": "no"}
        return StreamingResponse(self.hub.events(), media_type="text/event-stream", headers=headers)

    def static(self, request: Request) -> Response:
        name = request.path_params["name"]
        if name not in STATIC:  # only the board's own files, never a path
            return PlainTextResponse("not found", 404)
        return Response(static_text(name), media_type=STATIC[name], headers={"Cache-Control": "no-cache"})

    # ---- the app --------------------------------------------------------------------------
    @contextlib.asynccontextmanager
    async def lifespan(self, _app: Starlette) -> AsyncIterator[None]:
        stop = asyncio.Event()
        tasks = [
            asyncio.create_task(live.watch_files(self.source.tickets_folder(), self.hub, self.source.invalidate, stop))
        ]
        if self.source.client_for is not None and self.ado_interval > 0:
            client_for = self.source.client_for
            tasks.append(
                asyncio.create_task(
                    live.watch_ado(
                        lambda: self.source.desired(None).config,
                        client_for,
                        self.hub,
                        self.source.invalidate,
                        self.ado_interval,
                        stop,
                    )
                )
            )
        try:
            yield
        finally:
            stop.set()
            await self.hub.close()
            for task in tasks:
                task.cancel()
            await asyncio.gather(*tasks, return_exceptions=True)

    def asgi(self, guard: Guard, *, live_refresh: bool = True) -> Starlette:
        routes = [
            Route("/", self.page),
            Route("/ticket/{key}", self.ticket),
            Route("/move/preview", self.move_preview, methods=["POST"]),
            Route("/move", self.move, methods=["POST"]),
            Route("/commit", self.commit, methods=["POST"]),
            Route("/reconcile", self.reconcile, methods=["POST"]),
            Route("/events", self.events),
            Route("/static/{name}", self.static),
        ]
        return Starlette(
            routes=routes,
            middleware=[Middleware(GuardMiddleware, guard=guard)],
            lifespan=self.lifespan if live_refresh else None,
        )
