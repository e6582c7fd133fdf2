"""The order placement written by hand: how fast POST /orders/ could be in Flask at all.

A reference for the benchmark, never served to users. It does what the real view must do,
with the app's own parts wherever they are not the framework layers being measured: the
app's configuration (signed session cookie, Flask-WTF's CSRF check, the headers and the
parameter guard of obento/security.py), the SQL statements of obento/services (the
live-login query, the placement facts, the order and its event in one statement), the
deadline rules of obento/calendar.py, the order-log line of obento/services/audit.py, a
flash message and the 303. What it leaves out is Flask-Login, the SQLAlchemy session and ORM
objects, and WTForms: the statements are compiled once and run on a plain psycopg connection
per thread, each in its own transaction (autocommit; the order and its event are one
statement). Anything but a valid order of a logged-in staff member answers 4xx without a
page: the benchmark only sends valid ones. The login's last_seen_at refresh (every 5 minutes
in the app) is left out: it is never due in a run.

Served by scripts/bench with the app's environment (the same SECRET_KEY, so the cookies of
users who logged in through the real app work here) plus `BENCH_LEAN_DSN`.
"""

import os
import threading
from datetime import date
from types import SimpleNamespace

import psycopg
from flask import Flask, abort, flash, redirect, request, session
from flask_wtf.csrf import CSRFProtect
from psycopg.types.json import Jsonb
from sqlalchemy.dialects import postgresql

from config import get_config
from obento import calendar
from obento.auth.views import SESSION_TOKEN_KEY
from obento.clock import utcnow
from obento.logs import configure_logging
from obento.models import MAX_QUANTITY, OrderAction, Role
from obento.security import register_security
from obento.services.audit import log_event
from obento.services.orders import _PLACE_ORDER, _PLACEMENT_FACTS
from obento.services.sessions import _LIVE_LOGIN, _hash

app = Flask(__name__)
app.config.from_object(get_config("production"))
CSRFProtect(app)
configure_logging(app)
register_security(app)

_DIALECT = postgresql.psycopg.dialect()
_local = threading.local()


class Statement:
    """An app statement compiled once and run with psycopg; a row is a dict keyed as
    SQLAlchemy's result would be (a repeated column name gets a suffix: `id_1`)."""

    def __init__(self, statement):
        compiled = statement.compile(dialect=_DIALECT)
        self.sql, self.defaults = str(compiled), dict(compiled.params)
        self.keys = [column[0] for column in compiled._result_columns]

    def row(self, **values) -> dict | None:
        connection = getattr(_local, "connection", None)
        if connection is None or connection.closed:
            connection = _local.connection = psycopg.connect(
                os.environ["BENCH_LEAN_DSN"], autocommit=True
            )
        found = connection.execute(self.sql, {**self.defaults, **values}, prepare=True).fetchone()
        return None if found is None else dict(zip(self.keys, found, strict=True))


LIVE_LOGIN = Statement(_LIVE_LOGIN)
PLACEMENT_FACTS = Statement(_PLACEMENT_FACTS)
PLACE_ORDER = Statement(_PLACE_ORDER)
# The facts row: the shop's columns come first, the menu's repeat names with a suffix.
SHOP_RULES = (
    "open_weekdays",
    "opens_on_holidays",
    "max_days_ahead",
    "order_deadline_days_before",
    "order_deadline_time",
    "cancel_deadline_time",
)


@app.post("/orders/")
def place():
    now = utcnow()
    config = app.config
    login = LIVE_LOGIN.row(
        user_id=int(session.get("_user_id") or 0),
        token_hash=_hash(session.get(SESSION_TOKEN_KEY) or ""),
        created_after=now - config["SESSION_ABSOLUTE_TIMEOUT"],
        seen_after=now - config["SESSION_IDLE_TIMEOUT"],
    )
    if login is None or login["role"] not in (Role.STAFF, Role.MANAGER):
        abort(403)
    form = request.form
    try:
        day = date.fromisoformat(form["delivery_date"])
        menu_id, quantity = int(form["menu_id"]), int(form["quantity"])
    except (KeyError, ValueError):
        abort(422)
    form_token = form.get("form_token") or None
    facts = PLACEMENT_FACTS.row(
        user_id=login["id"],
        company_id=login["company_id"],
        delivery_date=day,
        menu_id=menu_id,
        form_token=form_token,
    )
    shop = SimpleNamespace(**{rule: facts[rule] for rule in SHOP_RULES})
    if (
        facts["token_order_id"] is not None
        or facts["company_disabled"] is not False
        or not 1 <= quantity <= MAX_QUANTITY
        or facts["id_1"] is None
        or not (facts["active"] and facts["active_1"])
        or calendar.unorderable_reason(
            shop,
            day,
            now,
            {day} if facts["closed"] else (),
            {day: facts["holiday"]} if facts["holiday"] else calendar.NO_HOLIDAYS,
        )
        or facts["live_order_id"] is not None
    ):
        abort(422)
    detail = {"delivery_date": day.isoformat(), "unit_price": facts["price"]}
    # The app's statement, so its parameter names: `now` for the order, `at` for the event.
    order = PLACE_ORDER.row(
        user_id=login["id"],
        company_id=login["company_id"],
        shop_id=facts["shop_id"],
        menu_id=menu_id,
        delivery_date=day,
        quantity=quantity,
        unit_price=facts["price"],
        placed_by_id=None,
        now=now,
        actor_id=login["id"],
        at=now,
        detail=Jsonb({**detail, "form_token": form_token}),
    )
    if order is None:
        abort(409)
    log_event(SimpleNamespace(**order), SimpleNamespace(id=login["id"]), OrderAction.PLACED, detail)
    flash("注文を承りました。", "success")
    return redirect(f"/orders/{order['id']}", code=303)


@app.get("/ping")
def ping():
    return "ok"
