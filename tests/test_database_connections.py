"""How requests use their pooled connection: reads without a transaction, writes in one, and
no connection the server has closed handed out again."""

import time

import pytest
import sqlalchemy as sa

from obento import create_app
from obento.extensions import db
from tests.conftest import make_config


@pytest.fixture
def own_app(database_url):
    """An app on the real engine (not the tests' shared transaction), with test routes."""
    app = create_app(make_config(database_url))
    app.config["PROPAGATE_EXCEPTIONS"] = False  # as in production
    app.config["WTF_CSRF_ENABLED"] = False  # the test routes are not forms

    def transaction_ids():
        first = db.session.execute(sa.text("SELECT txid_current()")).scalar()
        second = db.session.execute(sa.text("SELECT txid_current()")).scalar()
        return {"same": first == second}

    def backend_pid():
        return {"pid": db.session.execute(sa.text("SELECT pg_backend_pid()")).scalar()}

    app.add_url_rule("/_test/txid", "txid", transaction_ids, methods=["GET", "POST"])
    app.add_url_rule("/_test/pid", "pid", backend_pid)
    yield app
    with app.app_context():
        db.engine.dispose()


@pytest.mark.real_commits
def test_a_get_runs_each_statement_on_its_own_and_a_post_in_one_transaction(own_app):
    client = own_app.test_client()
    assert client.get("/_test/txid").json == {"same": False}
    assert client.post("/_test/txid").json == {"same": True}
    assert client.get("/_test/txid").json == {"same": False}  # the POST's mode did not stick


@pytest.mark.real_commits
def test_a_pooled_connection_the_server_closed_is_replaced_before_use(own_app, database_url):
    client = own_app.test_client()
    pid = client.get("/_test/pid").json["pid"]
    assert client.get("/_test/pid").json["pid"] == pid  # the pool hands out the same one
    other = sa.create_engine(database_url, poolclass=sa.pool.NullPool)
    with other.connect() as connection:
        connection.execute(sa.text("SELECT pg_terminate_backend(:pid)"), {"pid": pid})
    other.dispose()
    time.sleep(0.2)

    response = client.get("/_test/pid")
    assert response.status_code == 200
    assert response.json["pid"] != pid
    assert client.get("/healthz").status_code == 200
