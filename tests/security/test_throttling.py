"""Login throttling: 10 failures per account or address in 15 minutes, then 429."""

from datetime import timedelta

import sqlalchemy as sa

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
