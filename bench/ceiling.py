"""The ceilings: minimal Flask apps served with the same gunicorn settings as Obento.

- `POST /insert`: parses a form like the order form and does one raw psycopg INSERT
  (autocommit: one statement, one transaction), then answers 303 like the real form.
- `GET /table`: renders a 200-row table from a Jinja template (autoescaped, a page with a
  head and a header like base.html), without a database.

`BENCH_CEILING_DSN` names the database holding the `bench_ceiling` table (created by the
harness). Each worker opens its one connection on first use.
"""

import os
from datetime import date, timedelta
from pathlib import Path

import psycopg
from flask import Flask, redirect, render_template, request

app = Flask(__name__, template_folder=str(Path(__file__).resolve().parent / "templates"))

CREATE_TABLE = """
CREATE TABLE IF NOT EXISTS bench_ceiling (
    id bigserial PRIMARY KEY,
    user_id integer NOT NULL,
    menu_id integer NOT NULL,
    delivery_date date NOT NULL,
    quantity integer NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now()
)
"""
_connection: psycopg.Connection | None = None

_FIRST = date(2026, 12, 1)
ROWS = [
    {
        "id": 100_000 + i,
        "company": f"ベンチ商事{i % 17 + 1:03d}",
        "name": f"社員{i + 1:05d}",
        "menu": ("日替わり弁当", "唐揚げ弁当", "幕の内弁当", "のり弁当")[i % 4],
        "quantity": 1 + i % 3,
        "price": 480 + 10 * (i % 7),
        "day": _FIRST + timedelta(days=i % 5),
        "checked": i % 3 == 0,
    }
    for i in range(200)
]


def connection() -> psycopg.Connection:
    global _connection
    if _connection is None or _connection.closed:
        _connection = psycopg.connect(os.environ["BENCH_CEILING_DSN"], autocommit=True)
    return _connection


@app.get("/ping")
def ping():
    return "ok"


@app.post("/insert")
def insert():
    form = request.form
    row = (
        connection()
        .execute(
            "INSERT INTO bench_ceiling (user_id, menu_id, delivery_date, quantity)"
            " VALUES (%s, %s, %s, %s) RETURNING id",
            (
                int(form["user_id"]),
                int(form["menu_id"]),
                date.fromisoformat(form["delivery_date"]),
                int(form["quantity"]),
            ),
        )
        .fetchone()
    )
    return redirect(f"/done/{row[0]}", code=303)


@app.get("/table")
def table():
    total = sum(row["price"] * row["quantity"] for row in ROWS)
    return render_template("ceiling_table.html", rows=ROWS, total=total)
