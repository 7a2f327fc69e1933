"""Browser flows on the demo data.

A session fixture loads the demo province into a fresh SQLite database in a temporary folder, serves it
with `cchc runserver` and a `cchc worker` beside it, exactly as `make demo` does, and Playwright drives
Debian's Chromium against it. These tests are marked `browser` and run by `make e2e`.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

PROJECT = Path(__file__).resolve().parents[2]
CHROMIUM = os.environ.get("CCHC_CHROMIUM", "/usr/bin/chromium")
AXE = PROJECT / "node_modules" / "axe-core" / "axe.min.js"
SCREENSHOTS = PROJECT / "docs" / "screenshots"
PASSWORD = "cchc-demo-2026"


def pytest_collection_modifyitems(items):  # type: ignore[no-untyped-def]
    for item in items:
        if "cchc/e2e/" in str(item.fspath):
            item.add_marker(pytest.mark.browser)


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture(scope="session")
def demo_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    var = tmp_path_factory.mktemp("demo-var")
    environment = {
        **os.environ,
        "CCHC_VAR_DIR": str(var),
        "CCHC_TESTING": "0",
        "DJANGO_SETTINGS_MODULE": "cchc.settings",
    }
    environment.pop("DATABASE_URL", None)
    command = [sys.executable, "-m", "cchc.cli"]
    subprocess.run([*command, "demo", "--no-serve"], env=environment, check=True, cwd=PROJECT, capture_output=True)
    port = _free_port()
    log = open(var / "server.log", "w")  # noqa: SIM115 - kept open for the server's lifetime
    server = subprocess.Popen(
        [*command, "runserver", f"127.0.0.1:{port}", "--noreload"], env=environment, cwd=PROJECT, stdout=log, stderr=log
    )
    worker = subprocess.Popen(
        [*command, "worker", "--sleep", "0.2"], env=environment, cwd=PROJECT, stdout=log, stderr=log
    )
    base = f"http://127.0.0.1:{port}"
    for _ in range(100):
        try:
            urllib.request.urlopen(base + "/health/", timeout=1)
            break
        except OSError:
            time.sleep(0.2)
    else:
        raise RuntimeError("the demo server did not start: " + (var / "server.log").read_text()[-2000:])
    yield base
    for process in (server, worker):
        process.terminate()
        process.wait(timeout=10)
    log.close()


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    from playwright.sync_api import sync_playwright

    if not Path(CHROMIUM).exists():
        pytest.skip("Chromium is not installed (apt-get install chromium)")
    with sync_playwright() as playwright:
        instance = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
            ],
        )
        yield instance
        instance.close()


class Session:
    """A logged-in browser page with helpers the flows share."""

    def __init__(self, browser, base: str, width: int = 1440) -> None:  # type: ignore[no-untyped-def]
        # CSP is bypassed only so that axe-core can be injected; the pages' own scripts are all external.
        self.context = browser.new_context(viewport={"width": width, "height": 900}, bypass_csp=True, locale="vi-VN")
        self.page = self.context.new_page()
        self.base = base
        self.console_errors: list[str] = []
        self.page.on("console", self._remember_console_error)

    def _remember_console_error(self, message) -> None:  # type: ignore[no-untyped-def]
        if message.type == "error":
            self.console_errors.append(message.text)

    def login(self, username: str) -> Session:
        self.page.goto(self.base + "/dang-nhap/")
        self.page.fill("#id_username", username)
        self.page.fill("#id_password", PASSWORD)
        self.page.click("button[type=submit]")
        self.page.wait_for_url(lambda url: "/dang-nhap/" not in url)
        return self

    def goto(self, path: str):  # type: ignore[no-untyped-def]
        return self.page.goto(self.base + path)

    def accessibility_violations(self) -> list[str]:
        self.page.add_script_tag(path=str(AXE))
        result = self.page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
        return [
            f"{violation['id']} ({violation['impact']}): {violation['help']} – {violation['nodes'][0]['target']}"
            for violation in result["violations"]
            if violation["impact"] in ("serious", "critical")
        ]

    def screenshot(self, name: str) -> None:
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        self.page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=False)

    def close(self) -> None:
        self.context.close()


@pytest.fixture
def session_factory(browser, demo_server):  # type: ignore[no-untyped-def]
    sessions: list[Session] = []

    def make(username: str, width: int = 1440) -> Session:
        session = Session(browser, demo_server, width).login(username)
        sessions.append(session)
        return session

    yield make
    for session in sessions:
        session.close()
