"""Password policy and login lifetimes."""

from datetime import UTC, datetime, timedelta

import pytest

from obento.services import DomainError
from obento.services.password_policy import check_password_policy


@pytest.mark.parametrize(
    ("password", "message"),
    [
        ("short", "8文字以上"),
        ("password", "推測されやすい"),
        ("12345678", "推測されやすい"),
        ("iloveyou", "推測されやすい"),
        ("Password123", "推測されやすい"),
        ("x" * 1025, "1024文字以内"),
        ("yamada-taro", "ユーザー名と同じ"),
    ],
)
def test_weak_passwords_are_refused(password, message):
    with pytest.raises(DomainError, match=message) as raised:
        check_password_policy(password, "yamada-taro")
    assert raised.value.field == "password"


@pytest.mark.parametrize(
    "password",
    [
        "correct horse battery staple",
        "お弁当は毎日おいしい",
        "tr0ub4dor&3",
        "x" * 1024,
        "日本語パスワード",
    ],
)
def test_passphrases_and_unicode_are_welcome(password):
    check_password_policy(password, "yamada-taro")


def test_each_login_gets_a_new_session(client, login, make_user):
    user = make_user()
    login(user.username)
    first = client.get_cookie("obento_session").value
    login(user.username)
    assert client.get_cookie("obento_session").value != first


def test_the_session_cookie_is_sent_only_when_it_changes(app, client, login, make_user):
    user = make_user()
    assert "obento_session=" in login(user.username).headers["Set-Cookie"]
    client.get("/orders/")  # shows the login's message (and stores the CSRF secret)
    page = client.get("/orders/")
    assert page.status_code == 200
    assert "Set-Cookie" not in page.headers  # not re-signed on every page
    # The cookie lasts as long as the server keeps a login at most.
    expires = client.get_cookie("obento_session").expires
    expected = datetime.now(UTC) + app.config["SESSION_ABSOLUTE_TIMEOUT"]
    assert abs(expires - expected) < timedelta(minutes=5)


def test_an_idle_login_expires(app, client, login, make_user, clock):
    clock.set_jst("2026-11-01 09:00:00")
    login(make_user().username)
    clock.set(clock() + app.config["SESSION_IDLE_TIMEOUT"] - timedelta(minutes=1))
    assert client.get("/orders/").status_code == 200  # and this use refreshes it
    clock.set(clock() + app.config["SESSION_IDLE_TIMEOUT"] + timedelta(minutes=1))
    assert client.get("/orders/").status_code == 302


def test_a_login_ends_after_its_absolute_lifetime_however_busy(
    app, client, login, make_user, clock
):
    clock.set_jst("2026-09-01 09:00:00")
    start = clock()
    login(make_user().username)
    step = app.config["SESSION_IDLE_TIMEOUT"] / 2
    while clock() + step < start + app.config["SESSION_ABSOLUTE_TIMEOUT"]:
        clock.set(clock() + step)
        assert client.get("/orders/").status_code == 200
    clock.set(start + app.config["SESSION_ABSOLUTE_TIMEOUT"] + timedelta(minutes=1))
    assert client.get("/orders/").status_code == 302


def test_a_hash_is_upgraded_at_login_when_the_parameters_change(app, login, make_user):
    from obento.extensions import db
    from obento.services import passwords

    user = make_user(password="a fine passphrase")
    old_hash = user.password_hash
    assert "t=1," in old_hash  # the test suite's parameters
    try:
        passwords.configure_hasher(time_cost=2, memory_cost=2048, parallelism=1)
        assert login(user.username, "a fine passphrase").status_code == 303
        db.session.refresh(user)
        assert user.password_hash != old_hash
        assert "m=2048,t=2,p=1" in user.password_hash
        assert passwords.verify_password(user.password_hash, "a fine passphrase")
    finally:
        passwords.configure_hasher(**app.config["ARGON2_PARAMETERS"])
