"""The benchmark run: data sets, ceilings, scenarios, checks and the report.

Started by `scripts/bench`, which provides the virtual environment, wrk and a PostgreSQL
server (`BENCH_ADMIN_URL`: a superuser or CREATEDB connection; the run creates and drops its
own databases `obento_bench` and `obento_bench_small` there) and a work directory
(`BENCH_WORK_DIR`) for logs and request files.
"""

import argparse
import contextlib
import math
import os
import secrets
import signal
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from itertools import islice
from pathlib import Path
from urllib.parse import quote, urlencode

import psycopg
from sqlalchemy.engine import make_url

from bench import datagen, report
from bench.client import login, login_many
from bench.load import Request, Result, run_wrk, write_requests
from bench.server import ROOT, Gunicorn
from obento.calendar import local_today

LARGE_DB, SMALL_DB = "obento_bench", "obento_bench_small"
ORDER_PLACEMENT = "order placement"
ORDER_PLACEMENT_LEAN = "order placement, hand-written (bench/lean.py)"
SMALL_ORDERS = 10_000
DAY_LIST_TURNS = 2  # runs of the day list per data set and client count (the better is kept)


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    cores = os.cpu_count() or 1
    parser = argparse.ArgumentParser(
        prog="scripts/bench",
        description="Benchmark Obento under gunicorn against its ceilings on this machine.",
    )
    parser.add_argument(
        "--small-only",
        action="store_true",
        help="skip the 1,000,000-order data set (a quick check)",
    )
    parser.add_argument(
        "--duration", type=float, default=10, help="seconds of each measured wrk run (default 10)"
    )
    parser.add_argument(
        "--warmup",
        type=float,
        default=3,
        help="seconds of the warm-up run before each scenario (default 3)",
    )
    parser.add_argument(
        "--workers",
        type=int,
        default=2 * cores,
        help=f"gunicorn workers for the app and the ceilings (default {2 * cores})",
    )
    parser.add_argument(
        "--connections", default="8,32", help="comma-separated wrk connection counts (default 8,32)"
    )
    parser.add_argument(
        "--wrk-threads",
        type=int,
        default=1,
        help="wrk threads (default 1: leaves the cores to the server)",
    )
    parser.add_argument(
        "--keep",
        action="store_true",
        help="keep the databases (and the cluster scripts/bench started)",
    )
    parser.add_argument(
        "--output",
        type=Path,
        default=ROOT / "bench" / "results" / "latest.md",
        help="where to write the report (a .json beside it)",
    )
    parser.add_argument(
        "--budget",
        type=int,
        default=3600,
        help="give up after this many seconds in all (default 3600)",
    )
    args = parser.parse_args(argv)
    args.connections = sorted({int(c) for c in args.connections.split(",") if c.strip()})
    if args.duration < 1 or args.warmup < 0 or args.workers < 1 or not args.connections:
        parser.error("--duration >= 1, --warmup >= 0, --workers >= 1 and some --connections")
    return args


def log(message: str) -> None:
    print(f"[bench {time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


class Bench:
    def __init__(self, args: argparse.Namespace, admin_url: str, work: Path):
        self.args = args
        self.admin = make_url(admin_url)
        self.work = work
        self.secret = secrets.token_hex(32)
        self.created: list[str] = []
        self.report: dict = {"scenarios": [], "ceilings": [], "notes": []}
        # Every ceiling run (measured before and after the scenarios), and the scenario runs
        # waiting for their ratio, which is taken against the best ceiling run at the end.
        self.ceiling_runs: dict[str, list[Result]] = {"insert": [], "table": []}
        self.pending_rows: list[tuple[str, Result, str, object]] = []

    # --- databases -----------------------------------------------------------------------------

    def dsn(self, database: str) -> str:
        """A libpq URL for psycopg."""
        url = self.admin.set(drivername="postgresql", database=database)
        return url.render_as_string(hide_password=False)

    def app_env(self, database: str) -> dict[str, str]:
        url = self.admin.set(drivername="postgresql+psycopg", database=database)
        return {
            "OBENTO_ENV": "production",
            "SECRET_KEY": self.secret,
            "SESSION_COOKIE_SECURE": "0",  # plain http on loopback
            "SECURITY_HSTS": "0",
            "DATABASE_URL": url.render_as_string(hide_password=False),
            "LOG_DIR": str(self.work / f"logs-{database}"),
        }

    def create_database(self, database: str) -> None:
        with psycopg.connect(self.dsn(self.admin.database or "postgres"), autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')
            conn.execute(f'CREATE DATABASE "{database}"')
        self.created.append(database)
        flask = [str(ROOT / ".venv" / "bin" / "flask"), "--app", "wsgi", "db", "upgrade"]
        subprocess.run(  # our own command line  # noqa: S603  # nosec B603
            flask,
            cwd=ROOT,
            env={**os.environ, **self.app_env(database)},
            check=True,
            capture_output=True,
            timeout=300,
        )

    def drop_databases(self) -> None:
        if not self.created:
            return
        with psycopg.connect(self.dsn(self.admin.database or "postgres"), autocommit=True) as conn:
            for database in self.created:
                conn.execute(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')

    def build(self, database: str, spec: datagen.Spec) -> datagen.DataSet:
        log(f"building {database}: schema (flask db upgrade), then the data set with COPY")
        started = time.monotonic()
        self.create_database(database)
        data = datagen.build(self.dsn(database), database, spec, self.now, log=log)
        data.timings["schema"] = time.monotonic() - started - data.timings["total"]
        log(
            f"{database}: {data.orders:,} orders in {data.timings['total']:.1f} s "
            f"(copy {data.timings['orders_copy']:.1f} s, indexes {data.timings['indexes']:.1f} s,"
            f" VACUUM ANALYZE {data.timings['vacuum_analyze']:.1f} s)"
        )
        return data

    # --- measuring -----------------------------------------------------------------------------

    def measure(
        self,
        server: Gunicorn,
        label: str,
        requests: list[Request],
        expect: int,
        levels: list[int],
        warmup: bool = True,
    ) -> list[Result]:
        """Warm up with 8 clients (unless `warmup` is false), then one run per connection count."""
        path = write_requests(self.work / f"{label}.tsv", requests)
        url = f"http://127.0.0.1:{server.port}"
        args = self.args
        if warmup and args.warmup > 0:
            run_wrk(url, path, expect, 8, args.warmup, args.wrk_threads, self.work, f"{label}-warm")
        results = []
        for connections in levels:
            result = run_wrk(
                url,
                path,
                expect,
                connections,
                args.duration,
                args.wrk_threads,
                self.work,
                label,
                server.all_pids,
            )
            log(
                f"  {label} c={connections}: {result.rps:,.0f} req/s, p50 {result.p50_ms:.1f} ms,"
                f" p99 {result.p99_ms:.1f} ms, statuses {result.statuses},"
                f" socket errors {result.socket_errors}"
            )
            results.append(result)
        return results

    def ceilings(self, database: str, round_name: str) -> None:
        """Measure both ceilings. Called before and after the scenarios: a ceiling is what the
        machine can do at best, so a moment of noise in one round does not flatter the ratios."""
        log(f"ceilings ({round_name}): raw INSERT and 200-row table, same gunicorn settings")
        with psycopg.connect(self.dsn(database), autocommit=True) as conn:
            from bench.ceiling import CREATE_TABLE

            conn.execute(CREATE_TABLE)
        day = (self.today + timedelta(days=7)).isoformat()
        inserts = [
            Request(
                "POST",
                "/insert",
                "",
                urlencode(
                    {
                        "delivery_date": day,
                        "menu_id": 1 + i % 80,
                        "quantity": 1,
                        "csrf_token": secrets.token_urlsafe(64),
                        "user_id": 1 + i,
                    }
                ),
            )
            for i in range(5000)
        ]
        env = {"BENCH_CEILING_DSN": self.dsn(database)}
        with Gunicorn(
            "bench.ceiling:app",
            self.args.workers,
            env,
            self.work / "ceiling.log",
            ready_path="/ping",
        ) as server:
            measured = {
                "insert": self.measure(
                    server, "ceiling-insert", inserts, 303, self.args.connections
                ),
                "table": self.measure(
                    server, "ceiling-table", [Request("GET", "/table")], 200, self.args.connections
                ),
            }
            self.report["ceiling_rss_mb"] = server.worker_rss_mb()
        with psycopg.connect(self.dsn(database), autocommit=True) as conn:
            conn.execute("DROP TABLE bench_ceiling")
        for kind, name in (("insert", "raw INSERT"), ("table", "200-row table")):
            self.ceiling_runs[kind] += measured[kind]
            for result in measured[kind]:
                self.report["ceilings"].append(
                    {**report.result_row(name, result), "round": round_name}
                )

    def order_pairs_needed(self, seconds: float) -> int:
        best = max(result.rps for result in self.ceiling_runs["insert"])
        return math.ceil(best * seconds * 1.25) + 64

    def scenarios(self, data: datagen.DataSet) -> None:
        args = self.args
        with Gunicorn(
            "wsgi:app",
            args.workers,
            self.app_env(data.database),
            self.work / f"gunicorn-{data.database}.log",
        ) as server:
            dates = datagen.open_days(
                self.today + timedelta(days=2),
                self.today + timedelta(days=datagen.MAX_DAYS_AHEAD - 1),
            )
            phases = [("warm-up", args.warmup)] if args.warmup > 0 else []
            phases += [(f"c={c}", args.duration) for c in args.connections]
            needed = [self.order_pairs_needed(seconds) for _, seconds in phases]
            # Pairs for the app and for the hand-written placement (bench/lean.py).
            users = min(len(data.staff), math.ceil(2 * sum(needed) / len(dates)))
            # Spread over the companies (the first 499 staff all work for the billing company).
            staff = data.staff[:: max(1, len(data.staff) // users)][:users]
            log(
                f"logging {users} staff users in through the login form "
                f"({len(dates)} open dates, {2 * sum(needed):,} orders at most)"
            )
            started = time.monotonic()
            logins = login_many(
                server.port,
                [u.username for u in staff],
                datagen.PASSWORD,
                "/orders/",
                parallel=args.workers,
            )
            manager = login(server.port, data.billing_manager_username, datagen.PASSWORD, "/")
            self.report["login_seconds"] = time.monotonic() - started
            self.report["logins"] = users + 1
            log(f"  {users + 1} logins in {self.report['login_seconds']:.1f} s")

            orders = self.order_requests(staff, logins, dates)
            placed = self.order_scenario(server, ORDER_PLACEMENT, orders, phases, needed, data)
            billing = f"/company/billing?month={data.billing_month}"
            self.get_scenario(
                server,
                "monthly billing",
                "billing",
                manager.cookie,
                billing,
                [1, *args.connections],
                data,
            )
            quick = [Request("GET", "/quick", session.cookie) for session in logins]
            results = self.measure(server, "quick", quick, 200, args.connections)
            self.add_rows("one-tap page", results, "table", data)
            self.record_rss(server)
        placed += self.lean_scenario(data, orders, phases, needed)
        self.report["orders_check"] = self.check_orders(data, placed)

    def day_list_path(self, data: datagen.DataSet) -> str:
        return f"/shop/orders?date={data.day_list_date.isoformat()}&days_ago=0"

    def get_scenario(self, server, name, label, cookie, path, levels, data) -> None:
        """GET one page again and again as one logged-in user; compared to the table ceiling."""
        results = self.measure(server, label, [Request("GET", path, cookie)], 200, levels)
        self.add_rows(name, results, "table", data)

    def add_rows(self, name: str, results: list[Result], ceiling: str, data) -> None:
        self.pending_rows += [(name, result, ceiling, data) for result in results]

    def ceiling_for(self, kind: str, result: Result) -> Result | None:
        """The best ceiling run of `kind` with the same number of clients."""
        runs = [r for r in self.ceiling_runs[kind] if r.connections == result.connections]
        return max(runs, key=lambda r: r.rps, default=None)

    def scenario_rows(self) -> None:
        for name, result, ceiling, data in self.pending_rows:
            row = report.result_row(name, result, self.ceiling_for(ceiling, result))
            row["data_set"] = f"{data.orders:,} orders"
            self.report["scenarios"].append(row)

    def order_requests(self, staff, logins, dates) -> Iterator[Request]:
        """POST /orders/ as many different users, each (user, date) once in the whole run."""
        if any(session.csrf_token is None for session in logins):
            self.report["notes"].append(
                "GET /orders/ showed no CSRF token for some users: order placement cannot work."
            )
        for day in dates:
            for user, session in zip(staff, logins, strict=True):
                form = {
                    "delivery_date": day.isoformat(),
                    "menu_id": user.default_menu_id,
                    "quantity": 1,
                    "csrf_token": session.csrf_token or "",
                    # A browser gets a new one-time form token with every order page.
                    "form_token": secrets.token_urlsafe(16),
                }
                yield Request("POST", "/orders/", session.cookie, urlencode(form, quote_via=quote))

    def order_scenario(self, server, name, orders, phases, needed, data) -> list[Result]:
        """Place the next `needed` orders of `orders` in each phase; return every run."""
        url = f"http://127.0.0.1:{server.port}"
        label = "orders" if name == ORDER_PLACEMENT else "orders-lean"
        results = []
        for (phase, seconds), count in zip(phases, needed, strict=True):
            part = list(islice(orders, count))
            path = write_requests(self.work / f"{label}-{phase}.tsv", part)
            connections = 8 if phase == "warm-up" else int(phase[2:])
            result = run_wrk(
                url,
                path,
                303,
                connections,
                seconds,
                self.args.wrk_threads,
                self.work,
                f"{label}-{phase}",
                server.all_pids,
            )
            results.append(result)
            if phase == "warm-up":
                continue
            log(
                f"  {name} {phase}: {result.rps:,.0f} req/s, p50 {result.p50_ms:.1f} ms,"
                f" p99 {result.p99_ms:.1f} ms, statuses {result.statuses},"
                f" socket errors {result.socket_errors}, reused lines {result.wrapped}"
            )
            self.add_rows(name, [result], "insert", data)
            if result.wrapped:
                self.report["notes"].append(
                    f"{name} {phase}: the prepared orders ran out ({result.wrapped}"
                    " requests reused a (user, date)); raise the pool in bench/run.py."
                )
        return results

    def lean_scenario(self, data, orders, phases, needed) -> list[Result]:
        """The same orders (other users and dates) through bench/lean.py, the hand-written
        placement, served like the app with the app's settings and the same session key."""
        log("order placement through bench/lean.py (hand-written, the same SQL)")
        env = {**self.app_env(data.database), "BENCH_LEAN_DSN": self.dsn(data.database)}
        with Gunicorn(
            "bench.lean:app", self.args.workers, env, self.work / "lean.log", ready_path="/ping"
        ) as server:
            return self.order_scenario(server, ORDER_PLACEMENT_LEAN, orders, phases, needed, data)

    def check_orders(self, data: datagen.DataSet, results: list[Result]) -> dict:
        """Every 303 (acknowledged order) is in the database exactly once, and nothing else is."""
        acknowledged = [order_id for result in results for order_id in result.locations]
        answered_303 = sum(result.statuses.get(303, 0) for result in results)
        with psycopg.connect(self.dsn(data.database)) as conn:
            rows = conn.execute(
                "SELECT id, user_id, delivery_date FROM orders WHERE delivery_date > %s",
                (self.today,),
            ).fetchall()
        ids = {row[0] for row in rows}
        per_pair = Counter((row[1], row[2]) for row in rows)
        check = {
            "answered_303": answered_303,
            "acknowledged_ids": len(acknowledged),
            "distinct_acknowledged": len(set(acknowledged)),
            "rows": len(rows),
            "missing": len(set(acknowledged) - ids),
            "pairs_with_several_rows": sum(1 for n in per_pair.values() if n > 1),
            "rows_not_acknowledged": len(ids - set(acknowledged)),
        }
        check["ok"] = bool(
            answered_303
            and answered_303 == check["acknowledged_ids"] == check["distinct_acknowledged"]
            and check["missing"] == 0
            and check["pairs_with_several_rows"] == 0
        )
        log(f"  orders check: {check}")
        return check

    def day_lists(self, sets: list[tuple[datagen.DataSet, str]]) -> None:
        """The day list on each data set, in a gunicorn of its own (fresh workers, one shop
        user), so that only the history differs. The sets take turns: for each number of
        clients every set is measured, then every set again, and each keeps its better run
        (lower p50). Measured one after the other, a few seconds of a busy neighbour on this
        VM landed on one set only and moved the 1M/10k ratio by up to 50% at one client."""
        levels = [1, *self.args.connections]
        with contextlib.ExitStack() as stack:
            servers = []
            for data, label in sets:
                server = stack.enter_context(
                    Gunicorn(
                        "wsgi:app",
                        self.args.workers,
                        self.app_env(data.database),
                        self.work / f"gunicorn-{data.database}.log",
                    )
                )
                shop = login(
                    server.port, data.day_list_shop_username, datagen.PASSWORD, "/shop/orders"
                )
                request = Request("GET", self.day_list_path(data), shop.cookie)
                servers.append((data, label, server, request))
                log(f"day list on {data.database} ({data.orders:,} orders): warm-up")
                self.measure(server, f"{label}-warm", [request], 200, [])
            best: dict[tuple[str, int], Result] = {}
            for connections in levels:
                for _ in range(DAY_LIST_TURNS):
                    for _data, label, server, request in servers:
                        (result,) = self.measure(
                            server, label, [request], 200, [connections], warmup=False
                        )
                        kept = best.get((label, connections))
                        if kept is None or result.p50_ms < kept.p50_ms:
                            best[label, connections] = result
            for data, label, server, _ in servers:
                self.add_rows("day list", [best[label, c] for c in levels], "table", data)
                self.record_rss(server)

    def record_rss(self, server: Gunicorn) -> None:
        """Add the workers' RSS after their scenarios (every app server of the run)."""
        rss = server.worker_rss_mb()
        self.report["app_rss_mb"] = sorted(self.report.get("app_rss_mb", []) + rss)
        log(f"  worker RSS after the run: {rss} MiB")

    # --- the whole run -------------------------------------------------------------------------

    def run(self) -> None:
        args = self.args
        # The harness runs outside the app (no app context for obento.clock): the real clock.
        self.now = datetime.now(UTC)
        self.today = local_today(self.now)
        self.report["started"] = self.now
        load, cores = os.getloadavg()[0], os.cpu_count() or 1
        if load > cores / 2:
            self.report["notes"].append(
                f"the machine was busy before the run (load average {load:.2f} on {cores} cores):"
                " other processes competed for the CPU, so the figures and even the ratios"
                " (ceilings and scenarios run at different moments) are not representative."
            )
        small = self.build(SMALL_DB, datagen.Spec(keep_orders=SMALL_ORDERS))
        large = None if args.small_only else self.build(LARGE_DB, datagen.Spec())
        main = large or small
        self.report["data_sets"] = [report.data_set_row(d) for d in (small, large) if d]
        if large and (large.day_list_shop_id, large.day_list_date) != (
            small.day_list_shop_id,
            small.day_list_date,
        ):
            self.report["notes"].append("the small and large sets chose different day lists")
        self.ceilings(main.database, "before")
        log(f"scenarios on {main.database} ({main.orders:,} orders)")
        self.scenarios(main)
        self.day_lists([(main, "day-list"), *([(small, "day-list-small")] if large else [])])
        self.ceilings(main.database, "after")
        self.scenario_rows()
        self.report["finished"] = datetime.now(UTC)
        self.report["settings"] = {
            "workers": args.workers,
            "connections": args.connections,
            "duration": args.duration,
            "warmup": args.warmup,
            "wrk_threads": args.wrk_threads,
            "small_only": args.small_only,
        }
        self.report["machine"] = report.machine(self.dsn(main.database))
        text = report.markdown(self.report)
        print(text)
        args.output.parent.mkdir(parents=True, exist_ok=True)
        args.output.write_text(text, encoding="utf-8")
        report.write_json(args.output.with_suffix(".json"), self.report)
        log(f"report written to {args.output}")

    def cleanup(self) -> None:
        if self.args.keep:
            for database in self.created:
                log(f"kept: {self.dsn(database)}")
            return
        try:
            self.drop_databases()
        except psycopg.Error as error:
            log(f"could not drop the bench databases: {error}")


def _raise_timeout(signum, frame):
    raise TimeoutError("the benchmark ran over its --budget")


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    admin_url = os.environ.get("BENCH_ADMIN_URL")
    if not admin_url:
        print("BENCH_ADMIN_URL is not set: run the benchmark with scripts/bench", file=sys.stderr)
        return 2
    work = Path(os.environ.get("BENCH_WORK_DIR") or ROOT / "bench" / "results" / "work")
    work.mkdir(parents=True, exist_ok=True)
    signal.signal(signal.SIGTERM, lambda signum, frame: sys.exit(143))
    signal.signal(signal.SIGALRM, _raise_timeout)
    signal.alarm(args.budget)
    bench = Bench(args, admin_url, work)
    try:
        bench.run()
    except KeyboardInterrupt:
        log("interrupted")
        return 130
    finally:
        signal.alarm(0)
        bench.cleanup()
    return 0
