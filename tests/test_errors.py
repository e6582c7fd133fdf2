"""Every error answers with a Japanese page and never a traceback or SQL."""

import pytest
import sqlalchemy as sa
from flask import abort
from sqlalchemy.exc import TimeoutError as PoolTimeoutError

from obento import create_app
from obento.extensions import db
from obento.models import Shop
from tests.conftest import AppContextClient, make_config

SERVER_ERROR = (
    "しばらくしてから、もう一度お試しください。ご注文が完了したかは注文履歴でご確認ください。"
)


@pytest.fixture(scope="module")
def failing_app(database_url):
    """An app of its own with routes that fail on purpose (routes can't be added later)."""
    app = create_app(make_config(database_url))
    app.config["PROPAGATE_EXCEPTIONS"] = False  # as in production
    app.test_client_class = AppContextClient

    def boom():
        raise RuntimeError("SELECT secret FROM internals")

    def bad_sql():
        db.session.execute(sa.text("SELECT * FROM no_such_table"))

    def too_many():
        abort(429)

    def slow_sql():
        db.session.execute(sa.text("SET LOCAL statement_timeout = 50"))
        db.session.execute(sa.text("SELECT pg_sleep(1)"))

    app.add_url_rule("/_test/boom", "boom", boom)
    app.add_url_rule("/_test/bad-sql", "bad_sql", bad_sql)
    app.add_url_rule("/_test/429", "too_many", too_many)

    def no_free_connection():
        raise PoolTimeoutError("QueuePool limit of size 5 overflow 10 reached")

    def same_name_twice():  # what two simultaneous submissions of one form end in
        db.session.add_all([Shop(name="同時送信弁当"), Shop(name="同時送信弁当")])
        db.session.flush()

    def missing_value():
        db.session.execute(sa.text("INSERT INTO shops (name) VALUES (NULL)"))

    app.add_url_rule("/_test/duplicate", "duplicate", same_name_twice)
    app.add_url_rule("/_test/not-null", "not_null", missing_value)
    app.add_url_rule("/_test/slow-sql", "slow_sql", slow_sql)
    app.add_url_rule("/_test/pool-timeout", "pool_timeout", no_free_connection)
    yield app
    with app.app_context():
        db.engine.dispose()


@pytest.mark.parametrize(
    ("path", "status", "text"),
    [
        ("/no-such-page", 404, "お探しのページは見つかりませんでした。"),
        ("/_test/429", 429, "しばらく時間をおいてから再度お試しください。"),
        ("/_test/boom", 500, SERVER_ERROR),
        ("/_test/bad-sql", 500, SERVER_ERROR),
        ("/_test/duplicate", 409, "同じ内容がすでに登録されています"),
        ("/_test/not-null", 500, SERVER_ERROR),
        (
            "/_test/slow-sql",
            503,
            "データベースに接続できません。しばらくしてから再度お試しください。",
        ),
        ("/_test/pool-timeout", 503, "データベースに接続できません。"),
    ],
)
def test_error_pages_are_japanese_and_hide_internals(failing_app, path, status, text):
    response = failing_app.test_client().get(path)
    assert response.status_code == status
    assert text in response.text
    assert '<html lang="ja">' in response.text
    for leak in ("Traceback", "SELECT", "INSERT", "no_such_table", "RuntimeError", "psycopg"):
        assert leak not in response.text


def test_405_lists_the_allowed_methods(client):
    response = client.post("/healthz")
    assert response.status_code == 405
    assert (
        "このページではその操作を受け付けていません。トップページから操作し直してください。"
    ) in response.text
    assert "GET" in response.headers["Allow"]


def test_413_for_a_body_over_the_limit(app, client):
    body = b"x" * (app.config["MAX_CONTENT_LENGTH"] + 1)
    response = client.post(
        "/login", data=body, headers={"Content-Type": "application/x-www-form-urlencoded"}
    )
    assert response.status_code == 413
    assert "送信データが大きすぎます" in response.text


def test_400_page_for_a_malformed_request(client):
    response = client.post("/login", data={"username": "x"})  # no CSRF token
    assert response.status_code == 400
    assert "送信内容に問題があります" in response.text
