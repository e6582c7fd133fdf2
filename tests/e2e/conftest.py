"""Browser tests: Debian's Chromium driven by Playwright against a real gunicorn process.

The server runs on loopback against the test session's database, so these tests commit for
real (the `real_commits` marker is added to every test here) and the tables are emptied after
each one. A failing test leaves a screenshot in test-artifacts/e2e/.
"""

import os
import socket
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass
from datetime import UTC, date, datetime
from datetime import time as clock_time
from pathlib import Path

import pytest
from playwright.sync_api import Page, sync_playwright

from obento.calendar import local_today
from obento.models import Company, Menu, Role, Shop, User
from tests.conftest import LOG_DIR, PASSWORD

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "test-artifacts" / "e2e"
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}


def pytest_collection_modifyitems(items):
    for item in items:
        if "tests/e2e/" in item.nodeid:
            item.add_marker(pytest.mark.real_commits)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    report = yield
    if report.when == "call":
        item.e2e_failed = report.failed
    return report


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class LiveServer:
    """gunicorn serving wsgi:app on a loopback port, as in production."""

    def __init__(self, database_url: str, name: str):
        self.port = _free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log = ARTIFACTS / f"{name}-server.log"
        env = {
            **os.environ,
            "OBENTO_ENV": "development",
            "SECRET_KEY": "e2e-" + "x" * 40,
            "DATABASE_URL": database_url,
            "LOG_DIR": LOG_DIR,
            "GUNICORN_BIND": f"127.0.0.1:{self.port}",
            "GUNICORN_WORKERS": "2",
            "DB_CONNECT_RETRIES": "2",
            "DB_RETRY_BACKOFF": "0.2",
        }
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        self.output = self.log.open("w")
        self.process = subprocess.Popen(  # noqa: S603 (our own interpreter and app)
            [sys.executable, "-m", "gunicorn", "wsgi:app"],
            cwd=ROOT,
            env=env,
            stdout=self.output,
            stderr=subprocess.STDOUT,
        )

    def wait_until_serving(self, path: str = "/login", timeout: float = 30) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"gunicorn exited; see {self.log}")
            try:
                with urllib.request.urlopen(self.url + path, timeout=5):  # noqa: S310
                    return
            except OSError:
                time.sleep(0.2)
        raise RuntimeError(f"gunicorn did not answer within {timeout} s; see {self.log}")

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        self.output.close()


@pytest.fixture(scope="session")
def live_server(app, database_url):
    server = LiveServer(database_url, "app")
    try:
        server.wait_until_serving()
        yield server
    finally:
        server.stop()


@pytest.fixture(scope="session")
def browser():
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


def _new_page(request, browser, viewport) -> Page:
    context = browser.new_context(viewport=viewport, locale="ja-JP", accept_downloads=True)
    context.set_default_timeout(10_000)
    page = context.new_page()
    request.addfinalizer(lambda: _finish(request, page))
    return page


def _finish(request, page: Page) -> None:
    if getattr(request.node, "e2e_failed", False):
        name = request.node.nodeid.split("::", 1)[-1].replace("/", "_")
        page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)
    page.context.close()


@pytest.fixture
def page(request, browser) -> Page:
    return _new_page(request, browser, DESKTOP)


@pytest.fixture
def phone_page(request, browser) -> Page:
    return _new_page(request, browser, PHONE)


@pytest.fixture
def browser_login(live_server):
    """Log in through the login page in the browser."""

    def do_login(page: Page, username: str, password: str = PASSWORD) -> None:
        page.goto(live_server.url + "/login")
        page.get_by_label("ユーザー名").fill(username)
        page.get_by_label("パスワード").fill(password)
        page.get_by_role("button", name="ログイン").click()

    return do_login


def jst_today() -> date:
    """The business date now: the live server runs on the real clock, not the test clock."""
    return local_today(datetime.now(UTC))


@dataclass
class OpenWorld:
    """A shop open every day whose deadline keeps tomorrow orderable at any hour."""

    shop: Shop
    company: Company
    karaage: Menu
    saba: Menu
    staff: User
    manager: User
    shop_user: User


@pytest.fixture
def open_world(make_shop, make_company, make_menu, make_user) -> OpenWorld:
    shop = make_shop(
        name="まごころ弁当",
        fax="0398765432",
        open_weekdays=127,
        opens_on_holidays=True,
        order_deadline_days_before=1,
        order_deadline_time=clock_time(23, 59),
        cancel_deadline_time=clock_time(23, 59),
    )
    company = make_company(shops=[shop], name="さくら商事")
    karaage = make_menu(shop=shop, name="唐揚げ弁当", price=600, sort_order=1)
    saba = make_menu(shop=shop, name="鯖の塩焼き弁当", price=650, sort_order=2)
    return OpenWorld(
        shop=shop,
        company=company,
        karaage=karaage,
        saba=saba,
        staff=make_user(company=company, name="青木 一郎", default_menu_id=karaage.id),
        manager=make_user(role=Role.MANAGER, company=company, name="佐藤 花子"),
        shop_user=make_user(role=Role.SHOP, shop=shop, name="まごころ店長"),
    )


def assert_no_horizontal_scroll(page: Page) -> None:
    widths = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
    assert widths[0] <= widths[1], f"{page.url} scrolls sideways: {widths}"
