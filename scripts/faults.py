"""The fault-injection run behind scripts/faults (see there).

For each scenario, 50 simulated staff members log in and then loop: open the order page,
order the first open day, and when no day is left, cancel one of their orders. Meanwhile
the database is restarted, stopped for 30 s, or a table is locked for 20 s. Afterwards:
no 500, no response slower than 15 s, every 503 in Japanese, service back within 10 s of
the database, every acknowledged (303) order present exactly once, every acknowledged
cancellation recorded.
"""

import argparse
import http.client
import os
import re
import secrets
import socket
import subprocess
import sys
import threading
import time
import urllib.parse
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import psycopg

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

PASSWORD = "faults-passphrase-2026"
UNAVAILABLE = "データベースに接続できません。しばらくしてから再度お試しください。"
MAX_SECONDS = 15.0
RECOVERY_SECONDS = 10.0
_CSRF = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')
_FORM = re.compile(r'<form method="post" action="/orders/" class="order-form">(.*?)</form>', re.S)
_HIDDEN = re.compile(r'name="(delivery_date|form_token)" value="([^"]*)"')
# The first menu of the card, as a person picks one (the page preselects only the favourite).
_MENU = re.compile(r'name="menu_id" id="[^"]+" value="(\d+)"')
_ORDER_LOCATION = re.compile(r"^/orders/(\d+)$")


def pg_ctl(*args: str) -> None:
    command = [f"{os.environ['PG_BINDIR']}/pg_ctl", "-D", os.environ["FAULTS_PGDATA"], *args]
    if os.environ.get("FAULTS_RUN_AS_POSTGRES") == "1":
        command = ["runuser", "-u", "postgres", "--", *command]
    # Never capture pg_ctl's output: a postmaster it starts inherits the pipe and keeps it open.
    subprocess.run(command, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def server_log() -> str:
    return f"{os.environ['FAULTS_PGDATA']}/server.log"


def pg_restart() -> None:
    """A fast restart: `pg_ctl restart` takes no -l, so stop, then start with the log file."""
    pg_ctl("-m", "fast", "-w", "stop")
    pg_start()


def pg_start() -> None:
    port = os.environ["FAULTS_PG_PORT"]
    pg_ctl(
        "-w",
        "-t",
        "60",
        "-l",
        server_log(),
        "-o",
        f"-p {port} -c listen_addresses=127.0.0.1 "
        f"-c unix_socket_directories={os.environ['FAULTS_PGDATA']}",
        "start",
    )


def database_url_plain() -> str:
    return os.environ["DATABASE_URL"].replace("postgresql+psycopg://", "postgresql://")


def prepare_database(users: int) -> list[str]:
    """Create the schema and a shop open every day with `users` staff members."""
    env = {**os.environ, "OBENTO_ENV": "development"}
    flask = [sys.executable, "-m", "flask", "--app", "wsgi"]
    subprocess.run([*flask, "obento", "create-db"], check=True, env=env, cwd=ROOT)
    subprocess.run(
        [*flask, "db", "upgrade"],
        check=True,
        env=env,
        cwd=ROOT,
        capture_output=True,
    )
    from obento.services.passwords import hash_password

    password_hash = hash_password(PASSWORD)
    usernames = [f"fault{number:03d}" for number in range(users)]
    with psycopg.connect(database_url_plain()) as connection:
        shop_id = connection.execute(
            "INSERT INTO shops (name, order_deadline_days_before, order_deadline_time,"
            " open_weekdays, opens_on_holidays, max_days_ahead)"
            " VALUES ('障害試験弁当', 0, '23:59', 127, true, 10) RETURNING id"
        ).fetchone()[0]
        company_id = connection.execute(
            "INSERT INTO companies (name) VALUES ('障害試験株式会社') RETURNING id"
        ).fetchone()[0]
        connection.execute("INSERT INTO company_shops VALUES (%s, %s)", (company_id, shop_id))
        for number, price in ((1, 500), (2, 650)):
            connection.execute(
                "INSERT INTO menus (shop_id, name, price) VALUES (%s, %s, %s)",
                (shop_id, f"試験弁当{number}", price),
            )
        with connection.cursor() as cursor:
            cursor.executemany(
                "INSERT INTO users (username, password_hash, name, role, company_id)"
                " VALUES (%s, %s, %s, 'staff', %s)",
                [(name, password_hash, f"試験 {name}", company_id) for name in usernames],
            )
    return usernames


class Server:
    def __init__(self):
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            self.port = probe.getsockname()[1]
        env = {
            **os.environ,
            "OBENTO_ENV": "production",
            "SECRET_KEY": secrets.token_hex(32),
            "SESSION_COOKIE_SECURE": "0",
            "SECURITY_HSTS": "0",
            "GUNICORN_BIND": f"127.0.0.1:{self.port}",
            "GUNICORN_WORKERS": "4",
            "LOGIN_MAX_FAILURES": "100000",
        }
        self.log = open(Path(os.environ["LOG_DIR"]).parent / "gunicorn.log", "w")  # noqa: SIM115
        self.process = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "wsgi:app"],
            cwd=ROOT,
            env=env,
            stdout=self.log,
            stderr=subprocess.STDOUT,
        )
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                if request(self.port, "GET", "/healthz")[0] == 200:
                    return
            except OSError:
                time.sleep(0.2)
        raise RuntimeError("gunicorn did not start")

    def stop(self):
        self.process.terminate()
        self.process.wait(timeout=30)
        self.log.close()


def request(port, method, path, body=None, cookie=None, timeout=MAX_SECONDS + 5):
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    headers = {}
    if body is not None:
        headers["Content-Type"] = "application/x-www-form-urlencoded"
        body = urllib.parse.urlencode(body)
    if cookie:
        headers["Cookie"] = cookie
    try:
        connection.request(method, path, body=body, headers=headers)
        response = connection.getresponse()
        text = response.read().decode("utf-8", "replace")
        return (
            response.status,
            response.getheader("Location", ""),
            text,
            response.getheader("Set-Cookie", ""),
        )
    finally:
        connection.close()


@dataclass
class Results:
    statuses: Counter = field(default_factory=Counter)
    slowest: float = 0.0
    problems: list = field(default_factory=list)
    placed: dict = field(default_factory=dict)  # order id -> (username, delivery date)
    cancelled: set = field(default_factory=set)
    successes: list = field(default_factory=list)  # monotonic times of 2xx/3xx answers
    lock: threading.Lock = field(default_factory=threading.Lock)

    def record(self, status, seconds, text, started):
        with self.lock:
            self.statuses[status] += 1
            self.slowest = max(self.slowest, seconds)
            if status >= 500 and status != 503:
                self.problems.append(f"{status} answer")
            if status == 503 and UNAVAILABLE not in text and "ただいま" not in text:
                self.problems.append("503 without the Japanese message")
            if seconds > MAX_SECONDS:
                self.problems.append(f"a response took {seconds:.1f} s")
            if status < 400:
                self.successes.append(started + seconds)


class SimulatedUser(threading.Thread):
    def __init__(self, port, username, results, stop):
        super().__init__(daemon=True)
        self.port, self.username, self.results, self.stop_event = port, username, results, stop
        self.cookie = ""
        self.mine: list[int] = []

    def call(self, method, path, body=None):
        started = time.monotonic()
        try:
            status, location, text, set_cookie = request(self.port, method, path, body, self.cookie)
        except OSError as error:
            self.results.record(599, time.monotonic() - started, "", started)
            self.results.problems.append(f"no answer: {error!r}")
            return 599, "", ""
        self.results.record(status, time.monotonic() - started, text, started)
        if set_cookie:
            self.cookie = set_cookie.split(";", 1)[0]
        return status, location, text

    def login(self) -> bool:
        status, _, text = self.call("GET", "/login")
        if status != 200:
            return False
        status, _, _ = self.call(
            "POST",
            "/login",
            {
                "username": self.username,
                "password": PASSWORD,
                "csrf_token": _CSRF.search(text).group(1),
            },
        )
        return status == 303

    def run(self):
        while not self.stop_event.is_set():
            if not self.cookie and not self.login():
                time.sleep(0.5)
                continue
            status, _, text = self.call("GET", "/orders/")
            if status != 200:
                if status in (302, 303):
                    self.cookie = ""
                time.sleep(0.5)
                continue
            form = _FORM.search(text)
            token = _CSRF.search(text).group(1)
            if form:
                fields = dict(_HIDDEN.findall(form.group(1)))
                fields.update(
                    csrf_token=token,
                    quantity="1",
                    menu_id=_MENU.search(form.group(1)).group(1),
                )
                status, location, _ = self.call("POST", "/orders/", fields)
                match = _ORDER_LOCATION.match(location) if status == 303 else None
                if match:
                    order_id = int(match.group(1))
                    with self.results.lock:
                        self.results.placed.setdefault(
                            order_id, (self.username, fields["delivery_date"])
                        )
                    if order_id not in self.mine:
                        self.mine.append(order_id)
            elif self.mine:
                order_id = self.mine.pop(0)
                status, _, _ = self.call(
                    "POST", f"/orders/{order_id}/cancel", {"csrf_token": token}
                )
                if status == 303:
                    with self.results.lock:
                        self.results.cancelled.add(order_id)


def verify(results: Results) -> list[str]:
    """Every acknowledged order and cancellation is in the database exactly once."""
    problems = []
    with psycopg.connect(database_url_plain()) as connection:
        rows = {
            order_id: (username, str(day), status)
            for order_id, username, day, status in connection.execute(
                "SELECT o.id, u.username, o.delivery_date, o.status FROM orders o"
                " JOIN users u ON u.id = o.user_id"
            )
        }
        duplicates = connection.execute(
            "SELECT count(*) FROM (SELECT user_id, delivery_date FROM orders"
            " WHERE status = 'ordered' GROUP BY 1, 2 HAVING count(*) > 1) d"
        ).fetchone()[0]
    if duplicates:
        problems.append(f"{duplicates} duplicated orders")
    for order_id, (username, day) in results.placed.items():
        if order_id not in rows or rows[order_id][:2] != (username, day):
            problems.append(f"acknowledged order {order_id} missing or wrong")
    for order_id in results.cancelled:
        if rows.get(order_id, (None, None, None))[2] != "cancelled":
            problems.append(f"acknowledged cancellation of {order_id} not recorded")
    return problems


def lock_orders(seconds: float) -> None:
    with psycopg.connect(database_url_plain()) as connection:
        connection.execute("LOCK TABLE orders IN ACCESS EXCLUSIVE MODE")
        time.sleep(seconds)
        connection.rollback()


SCENARIOS = {
    # name: (label, seconds of load, fault start, fault function, database back at)
    "restart": (
        "PostgreSQL restarted (fast) during 60 s of orders",
        60,
        20,
        pg_restart,
    ),
    "stop": (
        "PostgreSQL stopped for 30 s, then started",
        65,
        10,
        lambda: (pg_ctl("-m", "fast", "-w", "stop"), time.sleep(30), pg_start()),
    ),
    "lock": ("orders locked for 20 s (statement timeout)", 45, 10, lambda: lock_orders(20)),
}


def run_scenario(name, port, usernames) -> dict:
    label, duration, fault_at, fault = SCENARIOS[name]
    results, stop = Results(), threading.Event()
    users = [SimulatedUser(port, username, results, stop) for username in usernames]
    started = time.monotonic()
    for user in users:
        user.start()
    time.sleep(fault_at)
    fault()
    back_at = time.monotonic()
    time.sleep(max(0.0, duration - (back_at - started)))
    stop.set()
    for user in users:
        user.join(timeout=MAX_SECONDS + 10)
    after = [moment for moment in results.successes if moment >= back_at]
    recovery = (min(after) - back_at) if after else float("inf")
    problems = list(dict.fromkeys(results.problems))
    if recovery > RECOVERY_SECONDS:
        problems.append(f"service back only after {recovery:.1f} s")
    problems += verify(results)
    return {
        "label": label,
        "requests": sum(results.statuses.values()),
        "ok": sum(n for s, n in results.statuses.items() if s < 400),
        "503": results.statuses[503],
        "5xx": sum(n for s, n in results.statuses.items() if s >= 500 and s != 503),
        "slowest": results.slowest,
        "recovery": recovery,
        "placed": len(results.placed),
        "cancelled": len(results.cancelled),
        "problems": problems,
    }


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--only", choices=list(SCENARIOS))
    parser.add_argument("--users", type=int, default=50)
    args = parser.parse_args()
    usernames = prepare_database(args.users)
    server = Server()
    try:
        rows = [
            run_scenario(name, server.port, usernames)
            for name in ([args.only] if args.only else SCENARIOS)
        ]
    finally:
        server.stop()
    print()
    print(
        "| scenario | requests | ok | 503 | other 5xx | slowest | back after "
        "| orders acked | cancels acked | result |"
    )
    print("|---|---:|---:|---:|---:|---:|---:|---:|---:|---|")
    for row in rows:
        result = "PASS" if not row["problems"] else "FAIL: " + "; ".join(row["problems"][:5])
        print(
            f"| {row['label']} | {row['requests']} | {row['ok']} | {row['503']} | {row['5xx']} "
            f"| {row['slowest']:.1f} s | {row['recovery']:.1f} s | {row['placed']} "
            f"| {row['cancelled']} | {result} |"
        )
    return 0 if all(not row["problems"] for row in rows) else 1


if __name__ == "__main__":
    sys.exit(main())
