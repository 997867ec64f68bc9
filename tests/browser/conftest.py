"""Browser tests: the built studio web app served by a real `cozeplus serve`, driven in headless
Chromium from Debian's package (/usr/bin/chromium) through Playwright; Playwright never downloads a
browser of its own here.

One server for the whole session (embedded defaults); each test gets a fresh browser context (no
cookies, no storage) and signs up its own account, so tests never depend on each other.
`screenshot(page, name)` saves docs/screenshots/<name>.png when COZEPLUS_SCREENSHOTS=1 (`make
screenshots`), and otherwise under the test's temporary folder, so a plain run leaves the tree clean.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from tests.support.served import PASSWORD, Served, served_app

if TYPE_CHECKING:
    from playwright.sync_api import Browser, BrowserContext, Page

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = Path("/usr/bin/chromium")
DIST = ROOT / "web" / "dist"
SCREENSHOTS = ROOT / "docs" / "screenshots"
CHROMIUM_FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-dev-shm-usage",
]
TIMEOUT_MS = 15_000


def _require_browser() -> None:
    if not CHROMIUM.exists():
        if os.geteuid() == 0:  # CI runs as root: `make test` installs it, so missing is a failure
            pytest.fail(f"{CHROMIUM} is missing: `make test` installs Debian's chromium as root")
        pytest.skip(f"{CHROMIUM} is missing and this is not root (apt-get install chromium)")
    if not (DIST / "index.html").exists():
        pytest.fail(f"{DIST} is not built: run `make web` (make test does)")


# Package scope, not session: sync Playwright keeps an event loop running in this thread while it
# lives, and every later test that calls asyncio.run() would fail beside it.
@pytest.fixture(scope="package")
def browser() -> Iterator[Browser]:
    _require_browser()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_FLAGS
        )
        yield chromium
        chromium.close()


@pytest.fixture(scope="package")
def studio(browser: Browser, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    """The app at its base URL (`browser` first: no server is started where no browser runs)."""
    with served_app("embedded", tmp_path_factory.mktemp("browser-served")) as served:
        yield served
        assert served.process.poll() is None, f"serve exited early:\n{served.log_tail()}"


@contextmanager
def loopback_studio(tmp: Path, *urls: str) -> Iterator[Served]:
    """A studio of its own that may reach these loopback test servers (the guard denies loopback
    otherwise; only tests allow it)."""
    ports = ",".join(url.rsplit(":", 1)[1].split("/")[0] for url in urls)
    allowed = {
        "COZEPLUS_OUTBOUND_ALLOW_NETWORKS": '["127.0.0.1/32"]',
        "COZEPLUS_OUTBOUND_PORTS": f"[{ports}]",
    }
    with served_app("embedded", tmp, settings=allowed) as served:
        yield served


@contextmanager
def browser_context(browser: Browser, served: Served) -> Iterator[BrowserContext]:
    ctx = browser.new_context(
        base_url=served.base_url, viewport={"width": 1280, "height": 800}, locale="en-US"
    )
    ctx.set_default_timeout(TIMEOUT_MS)
    yield ctx
    ctx.close()


@pytest.fixture
def context(browser: Browser, studio: Served) -> Iterator[BrowserContext]:
    with browser_context(browser, studio) as ctx:
        yield ctx


@pytest.fixture
def page(context: BrowserContext) -> Page:
    return context.new_page()


@dataclass
class Person:
    name: str
    email: str
    password: str = PASSWORD


@pytest.fixture
def person() -> Person:
    tag = uuid.uuid4().hex[:8]
    return Person(name=f"Ada {tag}", email=f"ada-{tag}@browser.example.com")


@pytest.fixture
def screenshot(tmp_path: Path):  # type: ignore[no-untyped-def]
    def take(page: Page, name: str) -> Path:
        keep = os.environ.get("COZEPLUS_SCREENSHOTS") == "1"
        target = (SCREENSHOTS if keep else tmp_path) / f"{name}.png"
        target.parent.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(target), full_page=False, animations="disabled")
        assert target.stat().st_size > 1000, target  # a real picture, not an empty file
        return target

    return take


def sign_up(page: Page, who: Person) -> None:
    """Through the sign-up page, as a person would; ends signed in on the studio's start page."""
    page.goto("/sign-up")
    page.get_by_label("Name").fill(who.name)
    page.get_by_role("textbox", name="E-mail").fill(who.email)
    page.get_by_role("textbox", name="Password").fill(who.password)
    page.get_by_role("button", name="Create account").click()
    signed_in(page, who)


def signed_in(page: Page, who: Person) -> None:
    """Waits for the studio's start page: the agents of the new account's personal space."""
    page.get_by_role("heading", name="Agents", exact=True).wait_for()
    assert page.get_by_test_id("account-menu").inner_text() == who.name


def sign_in(page: Page, who: Person) -> None:
    """Fills the sign-in page the browser is on."""
    page.get_by_role("heading", name="Sign in to cozeplus", exact=True).wait_for()
    page.get_by_role("textbox", name="E-mail").fill(who.email)
    page.get_by_role("textbox", name="Password").fill(who.password)
    page.get_by_role("button", name="Sign in").click()
