"""Where an order placement's CPU time goes, measured in-process, stage by stage.

    .venv/bin/python -m bench.stages postgresql+psycopg://postgres@127.0.0.1:PORT/obento_bench

Run it against a database `scripts/bench --keep` left behind (the name must start with
`obento_bench`: it places orders there). The app is built with the production settings and
driven with Flask's test client, so no HTTP server, no load generator and no other request
shares the process; every POST carries the session cookie and CSRF token of a user who
logged in through the real form. Three stages, each a POST answered 303:

- `floor`: a bench-only view that only redirects: the request, the signed session, the CSRF
  check, the security headers;
- `login`: the same behind `role_required`: plus the server-side login check;
- `order`: the real `POST /orders/` with a fresh one-time form token.

For each stage: the CPU time of this process per request (`time.process_time()`; the best
and the median of batches of 40, since a shared machine only ever adds to it) and the CPU
time of PostgreSQL's processes per request, read from /proc (the server must run on this
machine). Not part of the test suite; the figures are in the README's Performance section.
"""

import argparse
import os
import secrets
import statistics
import sys
import tempfile
import time
from datetime import timedelta

from flask import redirect
from sqlalchemy.engine import make_url

from bench.client import COOKIE_NAME, csrf_token
from bench.load import cpu_seconds, postgres_pids

BATCH = 40


def build_app(database_url: str, log_dir: str):
    # Before anything imports config.py, which reads the environment once.
    os.environ.update(
        {
            "OBENTO_ENV": "production",
            "SECRET_KEY": secrets.token_hex(32),
            "SESSION_COOKIE_SECURE": "0",
            "DATABASE_URL": database_url,
            "LOG_DIR": log_dir,
        }
    )
    from obento import create_app
    from obento.auth.decorators import role_required
    from obento.models import Role

    app = create_app()

    @app.post("/_bench/floor")
    def bench_floor():
        return redirect("/orders/", code=303)

    @app.post("/_bench/login")
    @role_required(Role.STAFF)
    def bench_login():
        return redirect("/orders/", code=303)

    return app


def log_in(app, username: str, password: str) -> tuple[str, str]:
    """Log in through the form; return the Cookie header and a CSRF token of the session."""
    client = app.test_client()
    token = csrf_token(client.get("/login").text)
    form = {"username": username, "password": password, "csrf_token": token}
    if client.post("/login", data=form).status_code != 303:
        raise SystemExit(f"could not log {username} in")
    token = csrf_token(client.get("/orders/").text)
    return f"{COOKIE_NAME}={client.get_cookie(COOKIE_NAME).value}", token


def measure(app, requests: list[tuple[str, str, dict]]) -> tuple[float, float, float]:
    """POST every (path, cookie, form), expecting 303; return (best, median) CPU ms per
    request of this process and PostgreSQL's CPU ms per request."""
    client = app.test_client(use_cookies=False)
    postgres = postgres_pids()
    batches, pg_start = [], cpu_seconds(postgres)
    for start in range(0, len(requests) - BATCH + 1, BATCH):
        cpu_start = time.process_time()
        for path, cookie, form in requests[start : start + BATCH]:
            response = client.post(path, data=form, headers={"Cookie": cookie})
            if response.status_code != 303:
                raise SystemExit(f"POST {path} answered {response.status_code}, not 303")
        batches.append((time.process_time() - cpu_start) / BATCH * 1000)
    pg_ms = (cpu_seconds(postgres) - pg_start) / (len(batches) * BATCH) * 1000
    return min(batches), statistics.median(batches), pg_ms


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m bench.stages", description=__doc__.split("\n")[0]
    )
    parser.add_argument("database_url", help="a bench database (scripts/bench --keep)")
    parser.add_argument("--users", type=int, default=30, help="staff users to log in (default 30)")
    args = parser.parse_args(argv)
    if not (make_url(args.database_url).database or "").startswith("obento_bench"):
        parser.error("the database must be one scripts/bench built (obento_bench...)")

    with tempfile.TemporaryDirectory(prefix="obento-stages-") as log_dir:
        run_stages(build_app(args.database_url, log_dir), args.users)
    return 0


def run_stages(app, users: int) -> None:
    """Log users in, then measure each stage and print the table."""
    from bench import datagen
    from obento.calendar import local_today
    from obento.clock import utcnow
    from obento.extensions import db
    from obento.models import Order, Role, User

    with app.app_context():
        today = local_today(utcnow())
        # Users without future orders: every (user, day) below is free, run after run.
        ordered_ahead = db.select(Order.id).where(
            Order.user_id == User.id, Order.delivery_date > today
        )
        staff = db.session.execute(
            db.select(User.id, User.username, User.default_menu_id)
            .where(
                User.role == Role.STAFF,
                User.active,
                User.default_menu_id.is_not(None),
                ~ordered_ahead.exists(),
            )
            .order_by(User.id.desc())
            .limit(users)
        ).all()
    days = datagen.open_days(
        today + timedelta(days=2), today + timedelta(days=datagen.MAX_DAYS_AHEAD - 1)
    )
    sessions = [(user, *log_in(app, user.username, datagen.PASSWORD)) for user in staff]
    orders = [
        (
            "/orders/",
            cookie,
            {
                "delivery_date": day.isoformat(),
                "menu_id": user.default_menu_id,
                "quantity": 1,
                "csrf_token": token,
                "form_token": secrets.token_urlsafe(16),
            },
        )
        for day in days
        for user, cookie, token in sessions
    ]
    count = min(len(orders) // 2, 20 * BATCH)
    if count < 2 * BATCH:
        raise SystemExit("too few staff users without future orders: build the data set again")

    def posts(path: str) -> list[tuple[str, str, dict]]:
        return [(path, cookie, {"csrf_token": token}) for _, cookie, token in sessions] * (
            count // len(sessions) + 1
        )

    stages = [
        ("floor", posts("/_bench/floor")[:count]),
        ("login", posts("/_bench/login")[:count]),
        ("order", orders[count : 2 * count]),
    ]
    measure(app, orders[: min(count, 4 * BATCH)])  # warm-up: connections, plans, templates
    print(f"{'stage':8} {'app ms (best)':>14} {'app ms (median)':>16} {'PostgreSQL ms':>14}")
    for name, requests in stages:
        best, median, postgres = measure(app, requests)
        print(f"{name:8} {best:14.2f} {median:16.2f} {postgres:14.2f}")


if __name__ == "__main__":
    sys.exit(main())
