"""The board in a real headless Chromium (Debian's, driven by Playwright; never a downloaded
browser build): a uvicorn server on loopback over a real repo and the in-process emulator.

Screenshots of the board and of the side panel are saved under the test's tmp_path, and copied to
``$BOARD_SHOTS_DIR`` when that is set (to look at them)."""

from __future__ import annotations

import os
import shutil
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from boardkit import Site

from ticketops.board.app import BoardApp
from ticketops.board.security import Guard

CHROMIUM = Path("/usr/bin/chromium")
ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(
        not CHROMIUM.exists(), reason="no system Chromium at /usr/bin/chromium (apt-get install chromium)"
    ),
]
sync_api = pytest.importorskip("playwright.sync_api", reason="the playwright package is not installed")


class Served:
    def __init__(self, app: BoardApp) -> None:
        import uvicorn

        self.sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.sock.bind(("127.0.0.1", 0))
        self.port = self.sock.getsockname()[1]
        self.token = "browser-test-token-0123456789abcdef"
        guard = Guard.for_address(self.token, "127.0.0.1", self.port)
        config = uvicorn.Config(app.asgi(guard), log_level="warning", access_log=False, timeout_graceful_shutdown=1)
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(target=self.server.run, kwargs={"sockets": [self.sock]}, daemon=True)

    def __enter__(self) -> Served:
        self.thread.start()
        deadline = time.monotonic() + 10
        while not self.server.started:
            assert time.monotonic() < deadline, "the board server did not start"
            time.sleep(0.02)
        return self

    def __exit__(self, *_exc: object) -> None:
        self.server.should_exit = True
        self.thread.join(10)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/?token={self.token}"


@pytest.fixture
def served(site: Site) -> Iterator[Served]:
    app = BoardApp(site.source(), write_client_for=lambda _c: site.client(), ado_interval=1.0)
    with Served(app) as s:
        yield s


@pytest.fixture
def page(served: Served) -> Iterator[object]:
    with sync_api.sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=str(CHROMIUM), args=ARGS, headless=True)
        context = browser.new_context(viewport={"width": 1400, "height": 860})
        pg = context.new_page()
        pg.errors = []  # type: ignore[attr-defined]
        pg.on("console", lambda m: m.type == "error" and pg.errors.append(m.text))  # type: ignore[attr-defined]
        pg.on("pageerror", lambda e: pg.errors.append(str(e)))  # type: ignore[attr-defined]
        pg.goto(served.url)
        pg.wait_for_selector("#card-PAY-1")
        yield pg
        context.close()
        browser.close()


def shot(pg: object, tmp_path: Path, name: str) -> Path:
    path = tmp_path / f"{name}.png"
    pg.screenshot(path=str(path), full_page=True)  # type: ignore[attr-defined]
    target = os.environ.get("BOARD_SHOTS_DIR")
    if target:
        Path(target).mkdir(parents=True, exist_ok=True)
        shutil.copy(path, Path(target) / path.name)
    return path


def column_of(pg: object, key: str) -> str:
    return str(pg.eval_on_selector(f"#card-{key}", "c => c.closest('.column').dataset.status"))  # type: ignore[attr-defined]


def wait_for_column(pg: object, key: str, status: str, timeout: float = 15.0) -> None:
    """Poll from here: the page's CSP (script-src 'self') forbids the string eval Playwright's
    wait_for_function would use in the page."""
    deadline = time.monotonic() + timeout
    seen = ""
    while time.monotonic() < deadline:
        if pg.locator(f"#card-{key}").count() == 1:  # type: ignore[attr-defined]
            seen = column_of(pg, key)
            if seen == status:
                return
        time.sleep(0.1)
    raise AssertionError(f"{key} is in {seen!r} after {timeout}s, not in {status!r}")


def test_the_page_loads_without_console_errors_and_the_token_leaves_the_address(
    page: object, served: Served, tmp_path: Path
) -> None:
    pg = page
    assert pg.url == f"http://127.0.0.1:{served.port}/"  # type: ignore[attr-defined]
    assert served.token not in pg.content()  # type: ignore[attr-defined]
    assert pg.locator(".card").count() == 4  # type: ignore[attr-defined]
    shot(pg, tmp_path, "board")
    pg.click("#card-PAY-2 a.key")  # type: ignore[attr-defined]
    pg.wait_for_selector("#panel:not([hidden]) .spec")  # type: ignore[attr-defined]
    shot(pg, tmp_path, "panel")
    assert pg.errors == []  # type: ignore[attr-defined]


def test_dragging_a_card_previews_then_changes_one_line_on_disk(page: object, site: Site, tmp_path: Path) -> None:
    pg = page
    before = site.path("PAY-1").read_text().splitlines()

    pg.drag_and_drop("#card-PAY-1", '.column[data-status="in-progress"]')  # type: ignore[attr-defined]
    pg.wait_for_selector("#confirm-move")  # type: ignore[attr-defined]
    assert "branch: feature/PAY-1-refund-webhooks is created" in pg.inner_text("#dialog")  # type: ignore[attr-defined]
    shot(pg, tmp_path, "move-preview")
    assert site.path("PAY-1").read_text().splitlines() == before  # nothing written before the confirmation
    pg.click("#confirm-move")  # type: ignore[attr-defined]
    pg.wait_for_selector("#commit-message")  # type: ignore[attr-defined]

    after = site.path("PAY-1").read_text().splitlines()
    changed = [(a, b) for a, b in zip(before, after, strict=True) if a != b]
    assert changed == [("status: backlog", "status: in-progress")]
    assert pg.input_value("#commit-message") == "PAY-1: backlog -> in-progress"  # type: ignore[attr-defined]
    wait_for_column(pg, "PAY-1", "in-progress")
    assert pg.errors == []  # type: ignore[attr-defined]


def test_a_filter_hides_cards_and_goes_into_the_address(page: object) -> None:
    pg = page
    pg.select_option('select[name="tag"]', "api")  # type: ignore[attr-defined]
    pg.wait_for_selector("#card-PAY-2", state="detached")  # type: ignore[attr-defined]
    assert pg.locator(".card").count() == 1  # type: ignore[attr-defined]
    assert "tag=api" in pg.url  # type: ignore[attr-defined]
    pg.fill("#q", "nothing-matches-this")  # type: ignore[attr-defined]
    pg.wait_for_selector("#card-PAY-1", state="detached")  # type: ignore[attr-defined]
    assert pg.errors == []  # type: ignore[attr-defined]


def test_the_page_updates_itself_when_a_file_changes_on_disk(page: object, site: Site) -> None:
    pg = page
    assert column_of(pg, "PAY-2") == "in-progress"
    path = site.path("PAY-2")
    path.write_text(path.read_text().replace("status: in-progress", "status: done"))

    wait_for_column(pg, "PAY-2", "done")
    assert pg.errors == []  # type: ignore[attr-defined]
