"""Everyone's own account page: password change and default menu."""

import sqlalchemy as sa

from obento.extensions import db
from obento.models import LoginAttempt, Role, UserSession
from obento.services.passwords import verify_password
from tests.conftest import PASSWORD, csrf_token


def change_password(submit, new: str = "a-new-password"):
    return submit(
        "/account/password",
        {"current_password": PASSWORD, "new_password": new, "new_password_confirm": new},
    )


def test_password_change_keeps_this_browser_logged_in_and_ends_the_others(
    app, client, login, make_user, submit
):
    user = make_user()
    other = app.test_client()
    page = other.get("/login")
    other.post(
        "/login",
        data={"username": user.username, "password": PASSWORD, "csrf_token": csrf_token(page)},
    )
    login(user.username)
    response = change_password(submit)
    assert response.status_code == 303
    assert "パスワードを変更しました" in client.get("/account").text
    assert other.get("/account").status_code == 302
    count = sa.select(sa.func.count(UserSession.id)).where(UserSession.user_id == user.id)
    assert db.session.scalar(count) == 1
    db.session.refresh(user)
    assert verify_password(user.password_hash, "a-new-password")


def test_password_change_ends_a_copy_of_this_browsers_cookie(app, client, login, make_user, submit):
    user = make_user()
    login(user.username)
    copied = client.get_cookie("obento_session").value
    old_login = db.session.scalar(sa.select(UserSession.token_hash))

    response = change_password(submit)

    assert response.status_code == 303
    assert client.get_cookie("obento_session").value != copied
    page = client.get("/account")  # the browser that changed it stays logged in
    assert page.status_code == 200
    assert "パスワードを変更しました" in page.text
    thief = app.test_client()
    thief.set_cookie("obento_session", copied)
    stolen = thief.get("/account")
    assert stolen.status_code == 302
    assert stolen.headers["Location"].startswith("/login")
    logins = db.session.scalars(
        sa.select(UserSession.token_hash).where(UserSession.user_id == user.id)
    ).all()
    assert len(logins) == 1 and logins[0] != old_login


def test_bad_password_changes_write_nothing(client, login, make_user, submit):
    user = make_user()
    login(user.username)
    cases = [
        (
            {
                "current_password": "wrong-one",
                "new_password": "a-new-password",
                "new_password_confirm": "a-new-password",
            },
            "現在のパスワードが正しくありません。",
        ),
        (
            {
                "current_password": PASSWORD,
                "new_password": "a-new-password",
                "new_password_confirm": "different",
            },
            "確認用のパスワードが一致しません。",
        ),
        (
            {
                "current_password": PASSWORD,
                "new_password": "short",
                "new_password_confirm": "short",
            },
            "8文字以上で入力してください。",
        ),
        (
            {
                "current_password": PASSWORD,
                "new_password": "p" * 1200,
                "new_password_confirm": "p" * 1200,
            },
            "1024文字以内で入力してください。",
        ),
        (
            {
                "current_password": PASSWORD,
                "new_password": PASSWORD,
                "new_password_confirm": PASSWORD,
            },
            "現在のものと変えてください。",
        ),
    ]
    for data, message in cases:
        response = submit("/account/password", data)
        assert response.status_code == 422, data
        assert message in response.text
        if len(data["new_password"]) > 1024:
            assert "8文字以上で入力してください。" not in response.text
    db.session.refresh(user)
    assert verify_password(user.password_hash, PASSWORD)


def test_default_menu_among_the_companys_shops(
    client, login, make_user, make_company, make_shop, make_menu, submit
):
    shop = make_shop(name="配達する店")
    company = make_company(shops=[shop])
    user = make_user(company=company)
    served = make_menu(shop=shop, name="幕の内")
    foreign = make_menu(shop=make_shop(), name="よその弁当")
    make_menu(shop=shop, name="販売停止中", active=False)
    login(user.username)
    page = client.get("/account")
    assert "幕の内" in page.text
    assert "よその弁当" not in page.text and "販売停止中" not in page.text

    response = submit("/account/default-menu", {"default_menu_id": str(foreign.id)})
    assert response.status_code == 422
    db.session.refresh(user)
    assert user.default_menu_id is None
    assert submit("/account/default-menu", {"default_menu_id": "abc"}).status_code == 422

    assert submit("/account/default-menu", {"default_menu_id": str(served.id)}).status_code == 303
    db.session.refresh(user)
    assert user.default_menu_id == served.id
    assert submit("/account/default-menu", {"default_menu_id": ""}).status_code == 303
    db.session.refresh(user)
    assert user.default_menu_id is None


def test_shop_users_have_no_default_menu(client, login, make_user, submit):
    login(make_user(role=Role.SHOP).username)
    page = client.get("/account")
    assert page.status_code == 200
    assert "お気に入りメニュー" not in page.text
    assert submit("/account/default-menu", {"default_menu_id": ""}).status_code == 403


def test_account_needs_a_login(client):
    assert client.get("/account").status_code == 302


def test_wrong_current_passwords_are_throttled_like_logins(
    app, client, login, make_user, submit, monkeypatch
):
    """A stolen cookie is no way around the login's limit on password guesses."""
    monkeypatch.setitem(app.config, "LOGIN_MAX_FAILURES", 3)
    user = make_user()
    login(user.username)
    guess = {"new_password": "a-new-password", "new_password_confirm": "a-new-password"}
    for number in range(3):
        wrong = submit("/account/password", {**guess, "current_password": f"guess-{number}"})
        assert wrong.status_code == 422
        assert "現在のパスワードが正しくありません。" in wrong.text
    throttled = change_password(submit)  # even the right password now
    assert throttled.status_code == 429
    assert "一時的にログインを制限しています" in throttled.text
    failures = sa.select(sa.func.count(LoginAttempt.id)).where(~LoginAttempt.succeeded)
    assert db.session.scalar(failures) == 3
    db.session.refresh(user)
    assert verify_password(user.password_hash, PASSWORD)


def test_a_weak_new_password_is_no_failed_attempt(client, login, make_user, submit):
    login(make_user().username)
    assert change_password(submit, new="short").status_code == 422
    failures = sa.select(sa.func.count(LoginAttempt.id)).where(~LoginAttempt.succeeded)
    assert db.session.scalar(failures) == 0
