"""The benchmark report: one Markdown table per part, and the issue's targets checked."""

import json
import os
import platform
import subprocess
from datetime import datetime
from pathlib import Path

import psycopg

from bench.load import Result

# The targets of issue 9 (2 cores).
ORDER_MIN_RATIO = 0.5
ORDER_MAX_P99_MS = 50
DAY_LIST_MIN_RATIO = 0.5
DAY_LIST_MAX_GROWTH = 1.2
BILLING_MAX_P50_MS = 100
WORKER_MAX_RSS_MB = 120


def _cpu(row: dict) -> str:
    """CPU time per request of the app and of PostgreSQL (wrk's own in the JSON report)."""
    cpu = row.get("cpu_ms") or {}
    if "app" not in cpu:
        return "–"
    return f"{cpu['app']:.2f} + {cpu['postgres']:.2f}"


def result_row(name: str, result: Result, ceiling: Result | None = None) -> dict:
    return {
        "scenario": name,
        "connections": result.connections,
        "rps": round(result.rps, 1),
        "p50_ms": round(result.p50_ms, 1),
        "p99_ms": round(result.p99_ms, 1),
        "requests": result.requests,
        "errors": result.errors,
        "statuses": {str(k): v for k, v in sorted(result.statuses.items())},
        "ceiling_rps": round(ceiling.rps, 1) if ceiling else None,
        "ratio": round(result.rps / ceiling.rps, 2) if ceiling and ceiling.rps else None,
        "cpu_ms": {k: round(v, 2) for k, v in result.cpu_ms.items()},
    }


def data_set_row(data) -> dict:
    return {
        "database": data.database,
        "orders": data.orders,
        "build_seconds": {k: round(v, 1) for k, v in data.timings.items()},
        "day_list": f"shop {data.day_list_shop_username}, {data.day_list_date}, "
        f"{data.day_list_orders} orders",
        "billing": f"company {data.billing_company_id}, {data.billing_month}, "
        f"{data.billing_orders} orders",
    }


def _command(*args: str) -> str:
    try:
        return subprocess.run(  # fixed command lines  # noqa: S603
            args, capture_output=True, text=True, timeout=10, check=False
        ).stdout.strip()
    except OSError:
        return "?"


def machine(dsn: str) -> dict:
    cpu = "?"
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            cpu = line.split(":", 1)[1].strip()
            break
    memory = "?"
    for line in Path("/proc/meminfo").read_text().splitlines():
        if line.startswith("MemTotal:"):
            memory = f"{int(line.split()[1]) / 1024 / 1024:.0f} GiB"
    with psycopg.connect(dsn) as conn:
        postgres = conn.execute("SHOW server_version").fetchone()[0]
    root = Path(__file__).resolve().parent.parent
    commit = _command("git", "-C", str(root), "rev-parse", "--short", "HEAD")
    if _command("git", "-C", str(root), "status", "--porcelain", "--untracked-files=no"):
        commit += " (with uncommitted changes)"
    return {
        "cpu": f"{cpu}, {os.cpu_count()} cores",
        "memory": memory,
        "system": f"{platform.system()} {platform.release()}",
        "python": platform.python_version(),
        "postgresql": postgres,
        "wrk": _command("wrk", "-v").splitlines()[0] if _command("wrk", "-v") else "?",
        "load_average": " ".join(f"{x:.2f}" for x in os.getloadavg()),
        "commit": commit,
    }


def _fmt(value, spec: str = ",.0f", missing: str = "–") -> str:
    return missing if value is None else format(value, spec)


def _verdict(ok: bool | None) -> str:
    return "–" if ok is None else ("PASS" if ok else "FAIL")


def _rows(report: dict, scenario: str, data_set: str | None = None) -> list[dict]:
    return [
        row
        for row in report["scenarios"]
        if row["scenario"] == scenario and (data_set is None or row.get("data_set") == data_set)
    ]


def targets(report: dict) -> list[tuple[str, str, bool | None]]:
    """(target, measured, passed) for each target of the issue."""
    out = []
    sets = report["data_sets"]
    large = next((d for d in sets if d["database"] == "obento_bench"), None)
    small = next((d for d in sets if d["database"] == "obento_bench_small"), None)
    main = large or small
    main_label = f"{main['orders']:,} orders"

    for row in _rows(report, "order placement"):
        c, ratio = row["connections"], row["ratio"]
        out.append(
            (
                f"order placement c={c}: ≥ {ORDER_MIN_RATIO:.0%} of the raw-INSERT ceiling",
                _fmt(ratio, ".0%"),
                None if ratio is None else ratio >= ORDER_MIN_RATIO,
            )
        )
        if c == max(r["connections"] for r in _rows(report, "order placement")):
            # The ceiling's own tail, for scale: the target is a latency, not a ratio.
            ceiling_p99 = [
                r["p99_ms"]
                for r in report["ceilings"]
                if r["scenario"] == "raw INSERT" and r["connections"] == c
            ]
            out.append(
                (
                    f"order placement c={c}: p99 < {ORDER_MAX_P99_MS} ms",
                    f"{row['p99_ms']:.1f} ms (raw-INSERT ceiling: "
                    f"{_fmt(min(ceiling_p99, default=None), '.1f')} ms)",
                    row["p99_ms"] < ORDER_MAX_P99_MS,
                )
            )
    check = report.get("orders_check")
    if check:
        out.append(
            (
                "every acknowledged order in the database exactly once",
                f"{check['answered_303']} answered 303, {check['distinct_acknowledged']} "
                f"distinct ids, {check['missing']} missing, "
                f"{check['pairs_with_several_rows']} duplicated",
                check["ok"],
            )
        )
    for row in _rows(report, "day list", main_label):
        if row["ratio"] is not None:
            out.append(
                (
                    f"day list c={row['connections']}: ≥ {DAY_LIST_MIN_RATIO:.0%} of the "
                    "200-row table ceiling",
                    _fmt(row["ratio"], ".0%"),
                    row["ratio"] >= DAY_LIST_MIN_RATIO,
                )
            )
    if large and small:
        big = {r["connections"]: r for r in _rows(report, "day list", main_label)}
        little = {
            r["connections"]: r for r in _rows(report, "day list", f"{small['orders']:,} orders")
        }
        for c in sorted(set(big) & set(little)):
            growth = big[c]["p50_ms"] / little[c]["p50_ms"] if little[c]["p50_ms"] else None
            out.append(
                (
                    f"day list c={c}: p50 on 1M orders ≤ {DAY_LIST_MAX_GROWTH}× the 10k set",
                    f"{big[c]['p50_ms']:.1f} / {little[c]['p50_ms']:.1f} ms = "
                    f"{_fmt(growth, '.2f')}×",
                    None if growth is None else growth <= DAY_LIST_MAX_GROWTH,
                )
            )
    else:
        out.append(
            ("day list: p50 on 1M orders ≤ 1.2× the 10k set", "not measured (--small-only)", None)
        )
    # With 32 clients on 2 cores the p50 is mostly waiting for a free worker (32 / throughput):
    # the latency target is checked with 1 and 8 clients; the table shows 32 as well.
    for row in _rows(report, "monthly billing"):
        if row["connections"] > 8:
            continue
        out.append(
            (
                f"monthly billing c={row['connections']}: p50 < {BILLING_MAX_P50_MS} ms"
                f" ({main_label})",
                f"{row['p50_ms']:.1f} ms",
                row["p50_ms"] < BILLING_MAX_P50_MS,
            )
        )
    rss = report.get("app_rss_mb") or []
    out.append(
        (
            f"each gunicorn worker < {WORKER_MAX_RSS_MB} MB RSS after the run",
            ", ".join(f"{x:.0f}" for x in rss) + " MiB",
            bool(rss) and max(rss) < WORKER_MAX_RSS_MB,
        )
    )
    errors = sum(r["errors"] for r in report["scenarios"])
    out.append(
        ("0 errors (wrong status or socket error) in every scenario", str(errors), errors == 0)
    )
    return out


def markdown(report: dict) -> str:
    started: datetime = report["started"]
    settings, machine_ = report["settings"], report["machine"]
    lines = [
        f"# Obento benchmark, {started:%Y-%m-%d %H:%M} UTC",
        "",
        f"Machine: {machine_['cpu']}, {machine_['memory']}, {machine_['system']}; "
        f"PostgreSQL {machine_['postgresql']}, Python {machine_['python']}, {machine_['wrk']}; "
        f"load average at the end {machine_['load_average']}; commit {machine_['commit']}.",
        f"gunicorn {settings['workers']} threaded workers (gunicorn.conf.py, "
        "OBENTO_ENV=production);"
        f" wrk {settings['wrk_threads']} thread(s), {settings['warmup']:g} s warm-up with 8 "
        f"clients, then {settings['duration']:g} s per run.",
        "",
        "| scenario | data set | clients | req/s | p50 ms | p99 ms | errors | ceiling req/s |"
        " ratio | CPU ms/req app + PostgreSQL |",
        "|---|---|--:|--:|--:|--:|--:|--:|--:|--:|",
    ]
    for row in report["scenarios"]:
        lines.append(
            f"| {row['scenario']} | {row.get('data_set', '')} | {row['connections']} | "
            f"{row['rps']:,.0f} | {row['p50_ms']:.1f} | {row['p99_ms']:.1f} | {row['errors']} | "
            f"{_fmt(row['ceiling_rps'])} | {_fmt(row['ratio'], '.0%')} | {_cpu(row)} |"
        )
    lines += [
        "",
        "Ceilings (minimal Flask apps, same gunicorn settings), measured before and after the"
        " scenarios; each ratio is taken against the better of the two:",
        "",
        "| ceiling | round | clients | req/s | p50 ms | p99 ms | errors |"
        " CPU ms/req app + PostgreSQL |",
        "|---|---|--:|--:|--:|--:|--:|--:|",
    ]
    for row in report["ceilings"]:
        lines.append(
            f"| {row['scenario']} | {row.get('round', '')} | {row['connections']} | "
            f"{row['rps']:,.0f} | {row['p50_ms']:.1f} | {row['p99_ms']:.1f} | {row['errors']} |"
            f" {_cpu(row)} |"
        )
    lines += ["", "Targets (issue 9):", "", "| target | measured | |", "|---|---|---|"]
    for target, measured, ok in targets(report):
        lines.append(f"| {target} | {measured} | {_verdict(ok)} |")
    lines += ["", "Data sets:", ""]
    for d in report["data_sets"]:
        t = d["build_seconds"]
        lines.append(
            f"- `{d['database']}`: {d['orders']:,} orders, built in {t['total']:.1f} s (COPY of "
            f"orders and events {t['orders_copy']:.1f} s, indexes and foreign keys "
            f"{t['indexes']:.1f} s, VACUUM ANALYZE {t['vacuum_analyze']:.1f} s; schema "
            f"{t['schema']:.1f} s); day list: {d['day_list']}; billing: {d['billing']}"
        )
    rss = report.get("app_rss_mb") or []
    lines += [
        "",
        f"Worker RSS after the run: app {', '.join(f'{x:.0f}' for x in rss)} MiB; ceiling apps "
        f"{', '.join(f'{x:.0f}' for x in report.get('ceiling_rss_mb') or [])} MiB.",
        f"Logins through the form: {report.get('logins', 0)} in "
        f"{report.get('login_seconds', 0):.1f} s.",
    ]
    check = report.get("orders_check")
    if check:
        lines.append(
            f"Orders check: {check['answered_303']} responses 303, {check['distinct_acknowledged']}"
            f" distinct order ids, {check['rows']} rows for future dates in the database, "
            f"{check['missing']} acknowledged but missing, {check['pairs_with_several_rows']} "
            f"(user, date) with several rows, {check['rows_not_acknowledged']} rows whose "
            "response wrk did not read (in flight when a run ended)."
        )
    for note in report["notes"]:
        lines.append(f"Note: {note}")
    return "\n".join(lines) + "\n"


def write_json(path: Path, report: dict) -> None:
    path.write_text(json.dumps(report, default=str, ensure_ascii=False, indent=1), encoding="utf-8")
