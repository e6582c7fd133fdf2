"""Test harness: a real PostgreSQL database per test session, built by the migrations.

TEST_DATABASE_URL points at an admin database of a PostgreSQL server (scripts/test starts a
throwaway cluster and sets it). Each test runs inside a transaction that is rolled back
afterwards: the app's own commits only release savepoints (SQLAlchemy's "joining a session
into an external transaction" recipe). Tests marked `real_commits` get the real engine and
the tables are emptied afterwards.
"""

import atexit
import os
import re
import shutil
import tempfile
import threading
import time as monotonic_time
import uuid
from datetime import UTC, date, datetime, time

import flask_migrate
import pytest
import sqlalchemy as sa
from flask.testing import FlaskClient
from flask_sqlalchemy.session import _app_ctx_id
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session, scoped_session, sessionmaker

from config import TestingConfig
from obento import create_app
from obento.calendar import local_instant
from obento.extensions import db
from obento.models import Company, Menu, Order, OrderStatus, Role, Shop, User
from obento.services.passwords import hash_password

PASSWORD = "correct horse battery"
_CSRF = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


def pytest_configure(config):
    if not os.environ.get("TEST_DATABASE_URL"):
        raise pytest.UsageError(
            "TEST_DATABASE_URL is not set: run the tests with scripts/test, which starts a "
            "throwaway PostgreSQL, or point it at an admin database "
            "(postgresql+psycopg://postgres@127.0.0.1:5432/postgres)."
        )


def create_database(name: str) -> str:
    """Create database `name` on the test server and return its URL."""
    admin_url = make_url(os.environ["TEST_DATABASE_URL"])
    engine = sa.create_engine(admin_url, isolation_level="AUTOCOMMIT")
    with engine.connect() as connection:
        connection.execute(sa.text(f'CREATE DATABASE "{name}"'))
    engine.dispose()
    return admin_url.set(database=name).render_as_string(hide_password=False)


def drop_database(name: str) -> None:
    engine = sa.create_engine(
        make_url(os.environ["TEST_DATABASE_URL"]), isolation_level="AUTOCOMMIT"
    )
    with engine.connect() as connection:
        connection.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    engine.dispose()


class Clock:
    """The app's clock, frozen by tests with `clock.set_jst("2026-11-24 13:59:59")`."""

    def __init__(self):
        self.frozen: datetime | None = None

    def __call__(self) -> datetime:
        return self.frozen or datetime.now(UTC)

    def set(self, instant: datetime) -> None:
        self.frozen = instant.astimezone(UTC)

    def set_jst(self, text: str) -> None:
        local = datetime.fromisoformat(text)
        self.set(local_instant(local.date(), local.time()))

    def reset(self) -> None:
        self.frozen = None


_clock = Clock()


# Loggers are process-wide, so every app of the test session logs to this one directory.
LOG_DIR = tempfile.mkdtemp(prefix="obento-test-logs-")
atexit.register(shutil.rmtree, LOG_DIR, ignore_errors=True)


def make_config(database_url: str) -> TestingConfig:
    config = TestingConfig()
    config.SQLALCHEMY_DATABASE_URI = database_url
    config.LOG_DIR = LOG_DIR
    config.CLOCK = _clock
    return config


@pytest.fixture(scope="session")
def database_url():
    name = f"obento_test_{os.getpid()}_{uuid.uuid4().hex[:8]}"
    url = create_database(name)
    try:
        yield url
    finally:
        drop_database(name)


@pytest.fixture(scope="session")
def app(database_url):
    app = create_app(make_config(database_url))
    with app.app_context():
        flask_migrate.upgrade()
    yield app
    with app.app_context():
        db.engine.dispose()


@pytest.fixture
def clock():
    return _clock


@pytest.fixture(autouse=True)
def _reset_clock():
    _clock.reset()
    yield
    _clock.reset()


@pytest.fixture(autouse=True)
def db_session(request, app):
    """Give each test an app context and a session whose changes vanish afterwards."""
    with app.app_context():
        if request.node.get_closest_marker("real_commits"):
            try:
                yield db.session
            finally:
                db.session.remove()
                _empty_tables()
            return
        connection = db.engine.connect()
        outer = connection.begin()
        original = db.session
        db.session = scoped_session(
            sessionmaker(bind=connection, class_=Session, join_transaction_mode="create_savepoint"),
            scopefunc=_app_ctx_id,
        )
        try:
            yield db.session
        finally:
            db.session.remove()
            db.session = original
            outer.rollback()
            connection.close()


def _empty_tables() -> None:
    tables = ", ".join(f'"{table.name}"' for table in db.metadata.sorted_tables)
    with db.engine.begin() as connection:
        connection.execute(sa.text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))


class AppContextClient(FlaskClient):
    """Run each request in its own app context (and so its own DB session), as in production."""

    def open(self, *args, **kwargs):
        with self.application.app_context():
            response = super().open(*args, **kwargs)
        db.session.expire_all()  # the test's own session sees what the request wrote
        return response


@pytest.fixture
def client(app):
    app.test_client_class = AppContextClient
    return app.test_client()


def csrf_token(response) -> str:
    """Return the CSRF token of the first form on the page."""
    match = _CSRF.search(response.get_data(as_text=True))
    assert match, "the page has no CSRF token"
    return match.group(1)


@pytest.fixture
def login(client):
    """Log in through the real form; returns the response to the POST."""

    def do_login(username: str, password: str = PASSWORD, next_url: str | None = None):
        page = client.get("/login")
        query = {"next": next_url} if next_url else {}
        return client.post(
            "/login",
            query_string=query,
            data={"username": username, "password": password, "csrf_token": csrf_token(page)},
        )

    return do_login


# Factories -----------------------------------------------------------------------------

_password_hash = None


def _default_hash() -> str:
    global _password_hash
    if _password_hash is None:
        _password_hash = hash_password(PASSWORD)
    return _password_hash


def _unique(prefix: str) -> str:
    return f"{prefix}{uuid.uuid4().hex[:6]}"


@pytest.fixture
def make_shop():
    def factory(**values) -> Shop:
        shop = Shop(name=values.pop("name", None) or _unique("弁当屋"), **values)
        db.session.add(shop)
        db.session.commit()
        return shop

    return factory


@pytest.fixture
def make_company(make_shop):
    def factory(shops: list[Shop] | None = None, **values) -> Company:
        company = Company(name=values.pop("name", None) or _unique("株式会社"), **values)
        company.shops = shops if shops is not None else [make_shop()]
        db.session.add(company)
        db.session.commit()
        return company

    return factory


@pytest.fixture
def make_menu(make_shop):
    def factory(shop: Shop | None = None, **values) -> Menu:
        values.setdefault("price", 500)
        menu = Menu(
            shop_id=(shop or make_shop()).id,
            name=values.pop("name", None) or _unique("弁当"),
            **values,
        )
        db.session.add(menu)
        db.session.commit()
        return menu

    return factory


@pytest.fixture
def make_user(make_company, make_shop):
    def factory(role: str = Role.STAFF, password: str | None = None, **values) -> User:
        if role in (Role.STAFF, Role.MANAGER) and "company_id" not in values:
            values["company_id"] = (values.pop("company", None) or make_company()).id
        if role == Role.SHOP and "shop_id" not in values:
            values["shop_id"] = (values.pop("shop", None) or make_shop()).id
        values.pop("company", None)
        values.pop("shop", None)
        user = User(
            username=values.pop("username", None) or _unique(f"{role}-"),
            name=values.pop("name", None) or "山田 太郎",
            role=role,
            password_hash=values.pop("password_hash", None)
            or (hash_password(password) if password else _default_hash()),
            **values,
        )
        db.session.add(user)
        db.session.commit()
        return user

    return factory


@pytest.fixture
def make_order(make_menu):
    def factory(
        user: User, menu: Menu | None = None, delivery_date: date | None = None, **values
    ) -> Order:
        menu = menu or make_menu()
        order = Order(
            user_id=user.id,
            company_id=user.company_id,
            shop_id=menu.shop_id,
            menu_id=menu.id,
            delivery_date=delivery_date or date(2026, 11, 26),
            quantity=values.pop("quantity", 1),
            unit_price=values.pop("unit_price", menu.price),
            status=values.pop("status", OrderStatus.ORDERED),
            **values,
        )
        db.session.add(order)
        db.session.commit()
        return order

    return factory


def jst(text: str) -> datetime:
    """An aware instant from a JST wall-clock text, e.g. jst("2026-11-24 14:00")."""
    local = datetime.fromisoformat(text)
    return local_instant(local.date(), local.time() if text.count(":") else time())


@pytest.fixture
def submit(client):
    """POST `data` to `url` with a CSRF token taken from `form_page` (default: /account)."""

    def do_submit(url: str, data: dict | None = None, form_page: str = "/account", **kwargs):
        page = client.get(form_page)
        return client.post(url, data={**(data or {}), "csrf_token": csrf_token(page)}, **kwargs)

    return do_submit


def post_during(app, client, url: str, data: dict, other_transaction):
    """POST `data` to `url` while another transaction holds rows the request will need.

    `other_transaction(connection)` runs first and stays uncommitted; the request is sent
    from a thread and, once PostgreSQL shows it waiting for a lock, the other transaction
    commits. This is how two requests meet in production (a double click, an admin deleting
    what someone orders), made deterministic. Needs `real_commits`. Returns the response.
    """
    responses = []

    def post() -> None:
        with app.app_context():
            responses.append(client.post(url, data=data))

    waiting = sa.text(
        "SELECT count(*) FROM pg_stat_activity"
        " WHERE wait_event_type = 'Lock' AND datname = current_database()"
    )
    with db.engine.connect() as other, db.engine.connect() as observer:
        other_transaction(other)
        request = threading.Thread(target=post)
        request.start()
        deadline = monotonic_time.monotonic() + 10
        while not observer.execute(waiting).scalar():
            observer.rollback()  # pg_stat_activity is a snapshot per transaction
            assert request.is_alive(), f"the request ended without waiting: {responses}"
            assert monotonic_time.monotonic() < deadline, "the request never waited"
            monotonic_time.sleep(0.02)
        other.commit()
        request.join(timeout=30)
    assert responses, "the request did not finish"
    return responses[0]
