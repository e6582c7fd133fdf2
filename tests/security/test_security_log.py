"""Refusals are logged with who, where and from which address; secrets never are."""

from pathlib import Path

from obento.models import Role


def _app_log(app) -> str:
    return "".join(
        path.read_text(encoding="utf-8")
        for path in sorted(Path(app.config["LOG_DIR"]).glob("app-*.log"))
    )


def test_a_403_is_logged_with_user_path_and_address(app, client, login, make_user):
    user = make_user(role=Role.STAFF)
    login(user.username)
    client.get("/admin/")
    assert f"forbidden path=/admin/ user={user.username} address=127.0.0.1" in _app_log(app)


def test_a_csrf_failure_is_logged_without_the_cookie(app, client, login, make_user):
    login(make_user().username)
    cookie = client.get_cookie("obento_session").value
    client.post("/logout", data={"csrf_token": "forged"})
    log = _app_log(app)
    assert "csrf refused path=/logout" in log
    assert "address=127.0.0.1" in log
    assert cookie not in log
