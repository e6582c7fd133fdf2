"""Logging in and out through the real forms."""

import bcrypt
import pytest
import sqlalchemy as sa

from obento.extensions import db
from obento.models import Role, User, UserSession
from tests.conftest import csrf_token

LOGIN_FAILED = "ユーザー名またはパスワードが正しくありません。"


@pytest.mark.parametrize(
    ("role", "home", "heading"),
    [
        (Role.STAFF, "/orders/", "お弁当の注文"),
        (Role.MANAGER, "/company/orders", "会社の注文"),
        (Role.SHOP, "/shop/orders", "注文一覧"),
        (Role.ADMIN, "/admin/", "管理"),
    ],
)
def test_each_role_lands_on_its_home(client, login, make_user, role, home, heading):
    user = make_user(role=role)
    response = login(user.username)
    assert response.status_code == 303
    assert response.headers["Location"] == home
    assert client.get("/").headers["Location"] == home
    page = client.get(home)
    assert page.status_code == 200
    assert f"<h1>{heading}</h1>" in page.text
    assert user.name in page.text


def test_wrong_password_and_unknown_user_look_the_same(client, login, make_user):
    user = make_user()
    wrong = login(user.username, "not the password")
    unknown = login("nobody-here", "not the password")
    assert wrong.status_code == unknown.status_code == 401
    assert LOGIN_FAILED in wrong.text and LOGIN_FAILED in unknown.text
    assert db.session.scalar(sa.select(sa.func.count(UserSession.id))) == 0
    assert client.get("/orders/").status_code == 302


def test_empty_fields_get_messages_beside_them(client):
    page = client.get("/login")
    response = client.post("/login", data={"csrf_token": csrf_token(page)})
    assert response.status_code == 422
    assert "ユーザー名を入力してください。" in response.text
    assert "パスワードを入力してください。" in response.text


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"username": "u" * 65, "password": "x"}, "ユーザー名は64文字以内で入力してください。"),
        (
            {"username": "someone", "password": "p" * 1025},
            "パスワードは1024文字以内で入力してください。",
        ),
    ],
)  # fmt: skip
def test_overlong_login_fields_get_japanese_messages(client, data, message):
    page = client.get("/login")
    response = client.post("/login", data={**data, "csrf_token": csrf_token(page)})
    assert response.status_code == 422
    assert message in response.text
    assert "Field cannot be longer" not in response.text
    assert db.session.scalar(sa.select(sa.func.count(UserSession.id))) == 0


def test_login_without_csrf_token_is_refused_and_writes_nothing(client, make_user):
    user = make_user()
    response = client.post("/login", data={"username": user.username, "password": "x"})
    assert response.status_code == 400
    assert "ページの有効期限が切れたか" in response.text
    assert db.session.scalar(sa.select(sa.func.count(UserSession.id))) == 0


def test_logout_without_csrf_token_is_refused(client, login, make_user):
    login(make_user().username)
    assert client.post("/logout").status_code == 400
    assert client.get("/orders/").status_code == 200  # still logged in
    assert db.session.scalar(sa.select(sa.func.count(UserSession.id))) == 1


def test_logout_by_get_is_not_allowed(client, login, make_user):
    login(make_user().username)
    response = client.get("/logout")
    assert response.status_code == 405
    assert client.get("/orders/").status_code == 200


def test_a_copied_cookie_stops_working_after_logout(app, client, login, make_user):
    login(make_user().username)
    copied = client.get_cookie("obento_session").value
    page = client.get("/orders/")
    logout = client.post("/logout", data={"csrf_token": csrf_token(page)})
    assert logout.status_code == 303

    thief = app.test_client()
    thief.set_cookie("obento_session", copied)
    response = thief.get("/orders/")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login")
    assert db.session.scalar(sa.select(sa.func.count(UserSession.id))) == 0


def test_disabling_a_user_ends_their_session(client, login, make_user):
    user = make_user()
    login(user.username)
    user.active = False
    db.session.commit()
    assert client.get("/orders/").status_code == 302


def test_a_disabled_user_cannot_log_in(client, login, make_user):
    user = make_user(active=False)
    response = login(user.username)
    assert response.status_code == 401
    assert LOGIN_FAILED in response.text


def test_anonymous_requests_go_to_login_with_next(client):
    response = client.get("/shop/orders")
    assert response.status_code == 302
    assert response.headers["Location"] == "/login?next=%2Fshop%2Forders"
    assert client.get("/").headers["Location"] == "/login"


def test_next_leads_back_to_a_page_of_this_site(client, login, make_user):
    user = make_user(role=Role.MANAGER)
    response = login(user.username, next_url="/orders/?x=1")
    assert response.headers["Location"] == "/orders/?x=1"


@pytest.mark.parametrize(
    "target",
    [
        "https://evil.example/",
        "//evil.example/",
        "/\\evil.example",
        "javascript:alert(1)",
        "evil.example",
    ],
)
def test_next_never_leaves_the_site(client, login, make_user, target):
    user = make_user()
    response = login(user.username, next_url=target)
    assert response.status_code == 303
    assert response.headers["Location"] == "/orders/"


@pytest.mark.parametrize(
    ("role", "path"),
    [
        (Role.STAFF, "/admin/"),
        (Role.STAFF, "/shop/orders"),
        (Role.STAFF, "/company/orders"),
        (Role.SHOP, "/orders/"),
        (Role.SHOP, "/admin/"),
        (Role.MANAGER, "/admin/"),
        (Role.ADMIN, "/orders/"),
    ],
)
def test_other_roles_pages_answer_403(client, login, make_user, role, path):
    login(make_user(role=role).username)
    response = client.get(path)
    assert response.status_code == 403
    assert (
        "このページを表示する権限がありません。トップページから操作し直してください。"
        in response.text
    )


def test_session_cookie_flags(client, login, make_user):
    response = login(make_user().username)
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie
    assert "SameSite=Lax" in cookie


def test_old_bcrypt_hash_verifies_and_is_upgraded(client, login, make_user):
    legacy = bcrypt.hashpw(b"old-password-1", bcrypt.gensalt(rounds=4)).decode()
    user = make_user(password_hash=legacy)
    assert login(user.username, "old-password-1").status_code == 303
    db.session.refresh(user)
    assert user.password_hash.startswith("$argon2id$")


def test_a_username_logs_in_typed_in_full_or_half_width(client, login, make_user):
    make_user(username="yamada01")
    assert login("ｙａｍａｄａ０１").status_code == 303
    assert login(" yamada01 ").status_code == 303


def test_a_username_stored_before_normalization_still_logs_in(client, login, make_user):
    # Usernames were stored as typed before they were normalized (NFKC).
    old = make_user(username="ｓｕｚｕｋｉ")
    response = login("ｓｕｚｕｋｉ")
    assert response.status_code == 303
    session = db.session.scalar(sa.select(UserSession).where(UserSession.user_id == old.id))
    assert session is not None


def test_a_half_width_twin_of_an_old_full_width_username_is_refused(
    client, login, make_user, submit
):
    """Else the new `suzuki` would take over the old `ｓｕｚｕｋｉ`'s logins."""
    old = make_user(username="ｓｕｚｕｋｉ")
    login(make_user(role=Role.ADMIN).username)
    data = {"username": "suzuki", "name": "鈴木", "role": "staff",
            "company_id": str(old.company_id), "password": "とても長い合言葉です"}  # fmt: skip
    response = submit("/admin/users/new", data, form_page="/admin/users/new")
    assert response.status_code == 422
    assert "このユーザー名はすでに使われています。" in response.text
    assert (
        db.session.scalar(sa.select(sa.func.count(User.id)).where(User.username == "suzuki")) == 0
    )


def test_a_failed_login_answers_no_sooner_than_the_floor(
    app, client, login, make_user, monkeypatch
):
    """Whatever the hash (an old bcrypt one is quicker to refuse), a failure takes as long."""
    waits = []
    monkeypatch.setattr("obento.auth.views._sleep", waits.append)
    monkeypatch.setitem(app.config, "FAILED_LOGIN_MIN_MS", 400)
    legacy = bcrypt.hashpw(b"old-password-1", bcrypt.gensalt(rounds=4)).decode()
    for user in (make_user(password_hash=legacy), make_user()):
        assert login(user.username, "wrong-password").status_code == 401
    assert login("nobody-at-all", "wrong-password").status_code == 401
    assert len(waits) == 3 and all(0 < wait <= 0.4 for wait in waits)
    assert login(make_user().username).status_code == 303  # a success does not wait
    assert len(waits) == 3
