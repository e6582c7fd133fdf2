"""Takes the README screenshots of a running demo database (called by scripts/screenshots).

    python scripts/lib/screenshots.py OUTPUT_DIR

Reads DATABASE_URL, SECRET_KEY and LOG_DIR from the environment, serves the app with gunicorn on
a free loopback port and saves <role>-<page>-{desktop,phone}.png (viewport-sized) into OUTPUT_DIR.
"""

import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from playwright.sync_api import sync_playwright

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
PASSWORD = "obento-demo"  # the documented demo password (obento/demo.py)  # noqa: S105
VIEWPORTS = {"desktop": {"width": 1280, "height": 900}, "phone": {"width": 390, "height": 844}}
# (user, file name, path, links to follow): the main page of each role with the demo data.
SHOTS = [
    ("sakura1", "staff-order", "/orders/", []),
    ("sakura1", "staff-quick", "/quick", []),
    ("magokoro", "shop-orders", "/shop/orders", []),
    ("sakura-manager", "manager-orders", "/company/orders", []),
    ("sakura-manager", "manager-fax-sheet", "/company/orders", ["明日", "FAX注文書を表示"]),
    ("admin", "admin-home", "/admin/", []),
]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def start_server(port: int) -> subprocess.Popen:
    env = {**os.environ, "GUNICORN_BIND": f"127.0.0.1:{port}", "GUNICORN_WORKERS": "2"}
    server = subprocess.Popen(  # noqa: S603 (our own interpreter and app)
        [sys.executable, "-m", "gunicorn", "wsgi:app"], cwd=ROOT, env=env
    )
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SystemExit("gunicorn exited before serving")
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/login", timeout=5):  # noqa: S310
                return server
        except OSError:
            time.sleep(0.2)
    server.terminate()
    raise SystemExit("gunicorn did not answer within 30 s")


def log_in(browser, base_url: str, username: str, viewport: dict):
    page = browser.new_context(viewport=viewport, locale="ja-JP").new_page()
    page.goto(base_url + "/login")
    page.get_by_label("ユーザー名").fill(username)
    page.get_by_label("パスワード").fill(PASSWORD)
    page.get_by_role("button", name="ログイン").click()
    page.wait_for_load_state()
    return page


def clear_next_order(browser, base_url: str, username: str) -> None:
    """Cancel the next day's order (free, throwaway database) so /quick shows its button."""
    page = log_in(browser, base_url, username, VIEWPORTS["phone"])
    page.goto(base_url + "/quick")
    cancel = page.get_by_role("button", name="この注文をキャンセルする")
    if cancel.count() and page.locator(".warning").count() == 0:  # only when it is free
        page.once(
            "dialog", lambda dialog: dialog.accept()
        )  # "...をキャンセルします。よろしいですか？"
        cancel.click()
        page.wait_for_load_state()
    page.context.close()


def take_screenshots(base_url: str, output: Path) -> None:
    output.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu"]
        )
        clear_next_order(browser, base_url, "sakura1")
        for kind, viewport in VIEWPORTS.items():
            logged_in = {}
            for username, name, path, links in SHOTS:
                if username not in logged_in:
                    logged_in[username] = log_in(browser, base_url, username, viewport)
                page = logged_in[username]
                page.goto(base_url + path)
                for link in links:
                    page.get_by_role("link", name=link).first.click()
                    page.wait_for_load_state()
                target = output / f"{name}-{kind}.png"
                page.screenshot(path=str(target))
                print(f"saved {target.relative_to(ROOT)}")
            for page in logged_in.values():
                page.context.close()
        browser.close()


def main() -> None:
    output = Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "docs" / "screenshots"
    port = free_port()
    server = start_server(port)
    try:
        take_screenshots(f"http://127.0.0.1:{port}", output)
    finally:
        server.terminate()
        server.wait(timeout=20)


if __name__ == "__main__":
    main()
