"""Users of every role through the administrator's forms."""

import re

import pytest
import sqlalchemy as sa

from obento.extensions import db
from obento.models import Role, User, UserSession
from tests.conftest import PASSWORD


def _user(username):
    return db.session.scalar(sa.select(User).where(User.username == username))


@pytest.mark.parametrize("role", ["staff", "manager", "shop", "admin"])
def test_admin_creates_a_user_of_each_role(
    client, login, make_user, make_company, make_shop, submit, role
):
    login(make_user(role=Role.ADMIN).username)
    company, shop = make_company(), make_shop()
    response = submit(
        "/admin/users/new",
        {
            "username": f"new-{role}",
            "name": "新人 花子",
            "role": role,
            "employee_code": "00123",
            "company_id": str(company.id),
            "shop_id": str(shop.id),
            "password": "initial-pass-1",
        },
    )
    assert response.status_code == 303
    user = _user(f"new-{role}")
    assert (user.role, user.employee_code) == (role, "00123")
    assert user.company_id == (company.id if role in ("staff", "manager") else None)
    assert user.shop_id == (shop.id if role == "shop" else None)


def test_generated_password_is_shown_once_and_works(
    client, app, login, make_user, make_company, submit
):
    login(make_user(role=Role.ADMIN).username)
    company = make_company()
    response = submit(
        "/admin/users/new",
        {
            "username": "gen-user",
            "name": "自動 太郎",
            "role": "staff",
            "company_id": str(company.id),
        },
    )
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"
    password = re.search(r'<code class="password">([^<]+)</code>', response.text).group(1)
    assert len(password) == 12
    assert password not in client.get(f"/admin/users/{_user('gen-user').id}").text
    other = app.test_client()
    page = other.get("/login")
    from tests.conftest import csrf_token

    login_response = other.post(
        "/login",
        data={"username": "gen-user", "password": password, "csrf_token": csrf_token(page)},
    )
    assert login_response.status_code == 303


def test_bad_user_input_gets_field_messages_and_writes_nothing(
    client, login, make_user, make_shop, submit
):
    login(make_user(role=Role.ADMIN).username)
    taken = make_user(username="taken-name")
    cases = [
        (
            {"username": "taken-name", "name": "x", "role": "admin"},
            "このユーザー名はすでに使われています。",
        ),
        (
            {"username": "no-shop", "name": "x", "role": "shop"},
            "店舗ユーザーには店舗を指定してください。",
        ),
        (
            {"username": "no-company", "name": "x", "role": "staff"},
            "注文者と会社代表には会社を指定してください。",
        ),
        ({"username": "bad-role", "name": "x", "role": "root"}, "一覧から選んでください。"),
        (
            {"username": "bad-id", "name": "x", "role": "staff", "company_id": "1 OR 1=1"},
            "一覧から選んでください。",
        ),
        (
            {"username": "short", "name": "x", "role": "admin", "password": "abc"},
            "8文字以上で入力してください。",
        ),
        (
            {"username": "long", "name": "x", "role": "admin", "password": "p" * 1200},
            "1024文字以内で入力してください。",
        ),
        (
            {"username": "u" * 65, "name": "n" * 101, "role": "admin", "employee_code": "0" * 33},
            "64文字以内で入力してください。",
        ),
        ({"username": "has space", "name": "x", "role": "admin"}, "空白を含まない"),
        ({"username": "", "name": "", "role": "admin"}, "氏名を入力してください。"),
    ]
    before = db.session.scalar(sa.select(sa.func.count(User.id)))
    for data, message in cases:
        response = submit("/admin/users/new", data)
        assert response.status_code == 422, data
        assert message in response.text, data
        assert "Field " not in response.text, data  # no English fallback of WTForms
        if data.get("password", "").startswith("p" * 1200):
            assert "8文字以上で入力してください。" not in response.text
    assert db.session.scalar(sa.select(sa.func.count(User.id))) == before
    assert taken.role == Role.STAFF


def test_admin_edits_a_user_and_changes_their_role(
    client, login, make_user, make_shop, make_company, submit
):
    login(make_user(role=Role.ADMIN).username)
    user = make_user(username="to-edit")
    shop = make_shop()
    response = submit(
        f"/admin/users/{user.id}",
        {"username": "edited", "name": "編集 済子", "role": "shop", "shop_id": str(shop.id)},
    )
    assert response.status_code == 303
    db.session.refresh(user)
    assert (user.username, user.role, user.shop_id, user.company_id) == (
        "edited",
        "shop",
        shop.id,
        None,
    )
    other = make_user(username="someone-else")
    response = submit(
        f"/admin/users/{other.id}",
        {"username": "edited", "name": "x", "role": "staff", "company_id": str(make_company().id)},
    )
    assert response.status_code == 422
    assert "このユーザー名はすでに使われています。" in response.text


def test_disabling_a_user_ends_their_open_session(app, client, login, make_user, submit):
    from tests.conftest import csrf_token

    staff = make_user(username="soon-disabled")
    staff_client = app.test_client()
    page = staff_client.get("/login")
    staff_client.post(
        "/login",
        data={"username": staff.username, "password": PASSWORD, "csrf_token": csrf_token(page)},
    )
    assert staff_client.get("/account").status_code == 200

    login(make_user(role=Role.ADMIN).username)
    response = submit(f"/admin/users/{staff.id}/state", {"active": "0"})
    assert response.status_code == 303
    assert staff_client.get("/account").status_code == 302  # back to the login page
    db.session.refresh(staff)
    assert staff.active is False
    count = sa.select(sa.func.count(UserSession.id)).where(UserSession.user_id == staff.id)
    assert db.session.scalar(count) == 0
    assert "このユーザーは無効です" in client.get(f"/admin/users/{staff.id}").text

    assert submit(f"/admin/users/{staff.id}/state", {"active": "1"}).status_code == 303
    db.session.refresh(staff)
    assert staff.active is True


def test_admin_cannot_disable_themselves(client, login, make_user, submit):
    admin = make_user(role=Role.ADMIN)
    login(admin.username)
    submit(f"/admin/users/{admin.id}/state", {"active": "0"})
    assert "自分自身を無効にすることはできません。" in client.get(f"/admin/users/{admin.id}").text
    db.session.refresh(admin)
    assert admin.active is True


def test_reset_password_ends_the_users_sessions(client, login, make_user, submit):
    staff = make_user()
    login(make_user(role=Role.ADMIN).username)
    db.session.add(UserSession(user_id=staff.id, token_hash="x" * 64))
    db.session.commit()
    response = submit(f"/admin/users/{staff.id}/password", {"password": "brand-new-pass"})
    assert response.status_code == 303
    count = sa.select(sa.func.count(UserSession.id)).where(UserSession.user_id == staff.id)
    assert db.session.scalar(count) == 0
    short = submit(f"/admin/users/{staff.id}/password", {"password": "short"})
    assert short.status_code == 422
    assert "8文字以上で入力してください。" in short.text


def test_default_menu_must_come_from_a_shop_serving_the_company(
    client, login, make_user, make_company, make_shop, make_menu, submit
):
    login(make_user(role=Role.ADMIN).username)
    shop = make_shop()
    company = make_company(shops=[shop])
    staff = make_user(company=company)
    served, foreign = make_menu(shop=shop), make_menu(shop=make_shop())
    bad = submit(f"/admin/users/{staff.id}/default-menu", {"default_menu_id": str(foreign.id)})
    assert bad.status_code == 422
    db.session.refresh(staff)
    assert staff.default_menu_id is None
    ok = submit(f"/admin/users/{staff.id}/default-menu", {"default_menu_id": str(served.id)})
    assert ok.status_code == 303
    db.session.refresh(staff)
    assert staff.default_menu_id == served.id


def test_user_list_searches_by_name_and_role(client, login, make_user):
    login(make_user(role=Role.ADMIN).username)
    make_user(username="findme-1", name="検索 一郎")
    make_user(username="other-2", name="別人 二郎", role=Role.MANAGER)
    page = client.get("/admin/users", query_string={"q": "検索"})
    assert "findme-1" in page.text and "other-2" not in page.text
    page = client.get("/admin/users", query_string={"role": "manager"})
    assert "other-2" in page.text and "findme-1" not in page.text
    assert client.get("/admin/users", query_string={"q": "%_\\"}).status_code == 200


def test_unknown_user_is_404(client, login, make_user, submit):
    login(make_user(role=Role.ADMIN).username)
    assert client.get("/admin/users/999999").status_code == 404
    assert submit("/admin/users/999999/state", {"active": "0"}).status_code == 404


def test_line_breaks_in_names_are_refused(client, login, make_user, make_company, submit):
    login(make_user(role=Role.ADMIN).username)
    response = submit(
        "/admin/users/new",
        {
            "username": "forger",
            "name": "偽\nINFO 偽の行",
            "role": "staff",
            "company_id": str(make_company().id),
            "password": "password-123",
        },
    )
    assert response.status_code == 422
    assert "氏名に改行や制御文字は使えません。" in response.text
    assert _user("forger") is None


def test_admin_cannot_change_their_own_role(client, login, make_user, make_company, submit):
    admin = make_user(role=Role.ADMIN, username="the-admin")
    login(admin.username)
    response = submit(
        f"/admin/users/{admin.id}",
        {
            "username": "the-admin",
            "name": "x",
            "role": "staff",
            "company_id": str(make_company().id),
        },
    )
    assert response.status_code == 409
    assert "自分自身の権限は変更できません。" in response.text
    db.session.refresh(admin)
    assert admin.role == Role.ADMIN


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        (
            "username",
            "yamada\u200b",
            "ユーザー名に目に見えない文字（ゼロ幅スペースなど）は使えません。",
        ),
        ("username", "ya\u202emada", "ユーザー名に目に見えない文字"),
        ("username", "yamada\u2028x", "ユーザー名に改行や制御文字は使えません。"),
        ("name", "山田\u2029太郎", "氏名に改行や制御文字は使えません。"),
        ("name", "山田\ufeff太郎", "氏名に目に見えない文字"),
        ("employee_code", "00\u200d123", "社員番号に目に見えない文字"),
    ],
)
def test_invisible_characters_and_line_separators_are_refused(
    client, login, make_user, make_company, submit, field, value, message
):
    login(make_user(role=Role.ADMIN).username)
    data = {
        "username": "look-alike",
        "name": "山田 太郎",
        "role": "staff",
        "company_id": str(make_company().id),
        "password": "password-123",
        field: value,
    }
    response = submit("/admin/users/new", data)
    assert response.status_code == 422
    assert message in response.text
    assert db.session.scalar(sa.select(sa.func.count(User.id)).where(User.role == "staff")) == 0


def test_full_width_usernames_are_stored_in_half_width(
    client, login, make_user, make_company, submit
):
    login(make_user(role=Role.ADMIN).username)
    make_user(username="yamada")
    company = make_company()
    data = {"name": "山田 太郎", "role": "staff", "company_id": str(company.id)}
    data["password"] = "password-123"

    taken = submit("/admin/users/new", {**data, "username": "ｙａｍａｄａ"})
    assert taken.status_code == 422
    assert "このユーザー名はすでに使われています。" in taken.text
    created = submit("/admin/users/new", {**data, "username": "ｓａｔｏ０１"})
    assert created.status_code == 303
    assert _user("sato01").name == "山田 太郎"
    assert _user("ｓａｔｏ０１") is None
    spaced = submit("/admin/users/new", {**data, "username": "ｙａｍａ\u3000ｄａ"})
    assert spaced.status_code == 422
    assert "ユーザー名は空白を含まない64文字以内にしてください。" in spaced.text


def test_each_length_limit_of_the_user_forms_has_its_own_message(
    client, login, make_user, make_company, submit
):
    login(make_user(role=Role.ADMIN).username)
    target = make_user(company=make_company())
    page = submit(
        "/admin/users/new",
        {"username": "u" * 65, "name": "n" * 101, "role": "admin", "employee_code": "0" * 33},
    )
    assert page.status_code == 422
    for message in (
        "64文字以内で入力してください。",
        "100文字以内で入力してください。",
        "32文字以内で入力してください。",
    ):
        assert message in page.text
    before = target.password_hash
    for password, message, wrong in [
        ("p" * 1200, "1024文字以内で入力してください。", "8文字以上で入力"),
        ("short", "8文字以上で入力してください。", "1024文字以内で入力"),
    ]:
        reset = submit(f"/admin/users/{target.id}/password", {"password": password})
        assert reset.status_code == 422
        assert message in reset.text and wrong not in reset.text
    db.session.refresh(target)
    assert target.password_hash == before
    assert db.session.scalar(sa.select(User).where(User.username == "u" * 65)) is None
