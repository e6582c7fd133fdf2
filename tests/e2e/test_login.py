"""Logging in and the failure pages, in a real browser."""

import pytest
from playwright.sync_api import expect

from obento.models import Role
from tests.e2e.conftest import LiveServer


@pytest.mark.parametrize(
    ("role", "heading"),
    [
        (Role.STAFF, "お弁当の注文"),
        (Role.SHOP, "注文一覧"),
        (Role.MANAGER, "会社の注文"),
        (Role.ADMIN, "管理"),
    ],
)
def test_each_role_logs_in_to_its_home(page, browser_login, make_user, role, heading):
    user = make_user(role=role)
    browser_login(page, user.username)
    expect(page.get_by_role("heading", level=1)).to_have_text(heading)
    expect(page.get_by_text(user.name).first).to_be_visible()

    page.get_by_role("button", name="ログアウト").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("ログイン")


def test_wrong_password_shows_the_message(page, browser_login, make_user):
    user = make_user()
    browser_login(page, user.username, "not the password")
    expect(page.get_by_role("alert")).to_have_text("ユーザー名またはパスワードが正しくありません。")
    expect(page.get_by_label("ユーザー名")).to_have_value(user.username)


@pytest.fixture
def stopped_database_server(database_url):
    from tests.test_database_faults import _unused_port

    server = LiveServer(
        database_url.replace(
            database_url.split("@")[1].split("/")[0], f"127.0.0.1:{_unused_port()}"
        ),
        "stopped-db",
    )
    try:
        server.wait_until_serving("/static/css/app.css")
        yield server
    finally:
        server.stop()


def test_the_503_page_when_the_database_is_stopped(page, stopped_database_server):
    page.goto(stopped_database_server.url + "/login")  # needs no database
    page.get_by_label("ユーザー名").fill("sakura1")
    page.get_by_label("パスワード").fill("obento-demo")
    with page.expect_response(lambda response: response.request.method == "POST") as posted:
        page.get_by_role("button", name="ログイン").click()
    assert posted.value.status == 503
    expect(
        page.get_by_text("データベースに接続できません。しばらくしてから再度お試しください。")
    ).to_be_visible()
