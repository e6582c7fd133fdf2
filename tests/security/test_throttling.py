"""Login throttling: 10 failures per account or address in 15 minutes, then 429."""

import threading
from datetime import timedelta

import pytest
import sqlalchemy as sa

from obento.auth import views
from obento.extensions import db
from obento.models import LoginAttempt, UserSession
from tests.conftest import PASSWORD, csrf_token

THROTTLED = "一時的にログインを制限しています"


def _fail(login, username, times, **kwargs):
    for _ in range(times):
        assert login(username, "wrong password", **kwargs).status_code == 401


def test_ten_failures_lock_the_account_even_for_the_right_password(login, make_user, clock):
    clock.set_jst("2026-11-25 09:00:00")
    user = make_user()
    _fail(login, user.username, 10)
    response = login(user.username)
    assert response.status_code == 429
    assert THROTTLED in response.text
    assert db.session.scalar(sa.select(sa.func.count(UserSession.id))) == 0

    clock.set_jst("2026-11-25 09:15:01")  # the window has passed
    assert login(user.username).status_code == 303


def test_nine_failures_do_not_lock(login, make_user):
    user = make_user()
    _fail(login, user.username, 9)
    assert login(user.username).status_code == 303


def test_failures_from_one_address_lock_every_account(login, make_user):
    victims = [make_user() for _ in range(2)]
    for number in range(10):
        login(f"guess-{number}", "wrong password")
    for victim in victims:
        assert login(victim.username).status_code == 429


def test_a_forged_x_forwarded_for_does_not_reset_the_count(client, login, make_user):
    user = make_user()
    for number in range(10):
        page = client.get("/login")
        token = page.text.split('name="csrf_token"')[1].split('value="')[1].split('"')[0]
        client.post(
            "/login",
            data={"username": user.username, "password": "wrong", "csrf_token": token},
            headers={"X-Forwarded-For": f"203.0.113.{number}"},
        )
    addresses = set(db.session.scalars(sa.select(LoginAttempt.address)))
    assert addresses == {"127.0.0.1"}
    assert login(user.username).status_code == 429


def test_old_attempts_are_cleaned_up(login, make_user, clock):
    clock.set_jst("2026-11-20 09:00:00")
    _fail(login, "someone", 3)
    clock.set(clock() + timedelta(days=2))
    _fail(login, "someone", 1)
    assert db.session.scalar(sa.select(sa.func.count(LoginAttempt.id))) == 1


def test_full_width_typing_shares_the_failure_count(client, make_user):
    make_user(username="yamada")
    for number, typed in enumerate(["yamada", "ｙａｍａｄａ"] * 5):
        page = client.get("/login")
        response = client.post(
            "/login",
            data={"username": typed, "password": "wrong", "csrf_token": csrf_token(page)},
            environ_base={"REMOTE_ADDR": f"203.0.113.{number}"},  # no address reaches 10
        )
        assert response.status_code == 401
    usernames = set(db.session.scalars(sa.select(LoginAttempt.username)))
    assert usernames == {"yamada"}
    page = client.get("/login")
    response = client.post(
        "/login",
        data={"username": "yamada", "password": PASSWORD, "csrf_token": csrf_token(page)},
        environ_base={"REMOTE_ADDR": "198.51.100.1"},
    )
    assert response.status_code == 429


def _login_form(client, username: str, password: str) -> dict:
    page = client.get("/login")
    return {"username": username, "password": password, "csrf_token": csrf_token(page)}


@pytest.mark.real_commits
def test_an_attempt_racing_another_is_counted_before_it_tries_a_password(
    app, client, make_user, monkeypatch
):
    """Two attempts meet: the second arrives while the first is checking the password."""
    monkeypatch.setitem(app.config, "LOGIN_MAX_FAILURES", 2)
    user = make_user()
    assert (
        client.post("/login", data=_login_form(client, user.username, "wrong")).status_code == 401
    )
    racer = app.test_client()
    racer_form = _login_form(racer, user.username, "also wrong")
    racer_responses = []
    racing = threading.Event()
    real_authenticate = views.authenticate

    def authenticate_while_another_arrives(username, password):
        if not racing.is_set():  # only the first attempt lets the racer in
            racing.set()
            racer_responses.append(racer.post("/login", data=racer_form))
        return real_authenticate(username, password)

    monkeypatch.setattr(views, "authenticate", authenticate_while_another_arrives)
    first = client.post("/login", data=_login_form(client, user.username, "wrong again"))

    # The first attempt was the second failure and still allowed; the racer would be the
    # third, so it is refused without trying a password (checked-then-recorded, both got 401).
    assert first.status_code == 401
    assert racer_responses[0].status_code == 429
    assert THROTTLED in racer_responses[0].text
    with db.engine.connect() as connection:
        failures = connection.scalar(
            sa.text("SELECT count(*) FROM login_attempts WHERE NOT succeeded")
        )
    assert failures == 2


@pytest.mark.real_commits
def test_parallel_wrong_passwords_get_at_most_the_limit_of_401s(
    app, client, make_user, monkeypatch
):
    monkeypatch.setitem(app.config, "LOGIN_MAX_FAILURES", 3)
    user = make_user()
    clients = [app.test_client() for _ in range(12)]  # of the `client` fixture's class
    forms = [_login_form(each, user.username, "wrong") for each in clients]
    start = threading.Barrier(len(clients))
    statuses = []

    def attempt(each, form):
        start.wait(timeout=10)
        with app.app_context():  # the test client expires this context's session afterwards
            statuses.append(each.post("/login", data=form).status_code)

    threads = [
        threading.Thread(target=attempt, args=pair) for pair in zip(clients, forms, strict=True)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    # At most 3 tried a password. Attempts starting at the same instant count each other
    # before any has failed, so fewer may get through; none of them slips past the limit.
    assert len(statuses) == 12 and set(statuses) <= {401, 429}
    tried = statuses.count(401)
    assert tried <= 3
    with db.engine.connect() as connection:
        assert connection.scalar(sa.text("SELECT count(*) FROM login_attempts")) == tried
