"""With the database stopped or not answering, pages say 503 in Japanese, quickly."""

import socket
import threading
import time
import uuid
from pathlib import Path

import pytest

from obento import create_app
from obento.extensions import db
from tests.conftest import make_config

UNAVAILABLE = "データベースに接続できません。しばらくしてから再度お試しください。"


def _unused_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class SilentServer:
    """Accepts TCP connections and never answers: a server that hangs."""

    def __init__(self):
        self.socket = socket.socket()
        self.socket.bind(("127.0.0.1", 0))
        self.socket.listen(16)
        self.port = self.socket.getsockname()[1]
        self.accepted = []
        self.thread = threading.Thread(target=self._accept, daemon=True)
        self.thread.start()

    def _accept(self):
        while True:
            try:
                connection, _ = self.socket.accept()
            except OSError:
                return
            self.accepted.append(connection)

    def close(self):
        self.socket.close()
        for connection in self.accepted:
            connection.close()


def _app_for(port: int, **settings):
    config = make_config(
        f"postgresql+psycopg://postgres@127.0.0.1:{port}/obento_{uuid.uuid4().hex[:6]}"
    )
    for key, value in settings.items():
        setattr(config, key, value)
    return create_app(config)


def _unavailable_lines(log_dir: str) -> list[str]:
    text = "".join(path.read_text() for path in sorted(Path(log_dir).glob("app-*.log")))
    return [line for line in text.splitlines() if "database unavailable" in line]


@pytest.fixture
def stopped_database_app():
    app = _app_for(_unused_port())
    yield app
    with app.app_context():
        db.engine.dispose()


@pytest.fixture
def hanging_database_app():
    server = SilentServer()
    app = _app_for(server.port, DB_CONNECT_TIMEOUT=1)
    yield app, server
    server.close()
    with app.app_context():
        db.engine.dispose()


def test_healthz_ok_with_the_database(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json == {"status": "ok", "database": "ok"}


@pytest.mark.real_commits
def test_healthz_503_when_the_database_is_stopped(stopped_database_app):
    started = time.monotonic()
    response = stopped_database_app.test_client().get("/healthz")
    assert time.monotonic() - started < 15
    assert response.status_code == 503
    assert response.json == {"status": "error", "database": "unreachable"}


@pytest.mark.real_commits
def test_a_logged_in_page_gets_the_503_page_when_the_database_is_stopped(stopped_database_app):
    client = stopped_database_app.test_client()
    with client.session_transaction() as session:  # a logged-in browser's cookie
        session["_user_id"] = "1"
        session["login_token"] = "whatever"
    started = time.monotonic()
    response = client.get("/orders/")
    assert time.monotonic() - started < 15
    assert response.status_code == 503
    assert UNAVAILABLE in response.text
    assert "Traceback" not in response.text


@pytest.mark.real_commits
def test_connecting_is_retried_then_given_up_with_one_log_line(stopped_database_app):
    log_dir = stopped_database_app.config["LOG_DIR"]
    lines_before = len(_unavailable_lines(log_dir))
    started = time.monotonic()
    page = stopped_database_app.test_client().post(
        "/login", data={"username": "a", "password": "b"}
    )
    elapsed = time.monotonic() - started
    # CSRF is checked before the database: a bad form never waits for it.
    assert page.status_code == 400
    assert elapsed < 1

    client = stopped_database_app.test_client()
    with client.session_transaction() as session:
        session["_user_id"] = "1"
        session["login_token"] = "whatever"
    started = time.monotonic()
    response = client.get("/orders/")
    elapsed = time.monotonic() - started
    assert response.status_code == 503
    # three attempts with 0.2 s and 0.4 s back-off between them
    assert 0.5 < elapsed < 5

    unavailable = _unavailable_lines(log_dir)[lines_before:]
    assert len(unavailable) == 1
    assert "path=/orders/" in unavailable[0]


@pytest.mark.real_commits
def test_a_database_that_never_answers_times_out(hanging_database_app):
    app, server = hanging_database_app
    started = time.monotonic()
    response = app.test_client().get("/healthz")
    elapsed = time.monotonic() - started
    assert response.status_code == 503
    assert elapsed < 15
    assert len(server.accepted) == 3  # one connection per attempt


@pytest.mark.real_commits
def test_a_locked_table_answers_503_after_the_lock_timeout(app, client, login, make_user):
    import sqlalchemy as sa

    login(make_user().username)
    with db.engine.connect() as locker:
        locker.execute(sa.text("LOCK TABLE orders IN ACCESS EXCLUSIVE MODE"))
        started = time.monotonic()
        response = client.get("/orders/")
        elapsed = time.monotonic() - started
        locker.rollback()
    assert response.status_code == 503
    assert UNAVAILABLE in response.text
    assert elapsed < app.config["DB_LOCK_TIMEOUT_MS"] / 1000 + 2
    assert client.get("/orders/").status_code == 200  # and back at once
