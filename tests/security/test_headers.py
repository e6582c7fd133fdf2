"""Security headers on every response, error pages included."""

import pytest

from config import TestingConfig
from obento import create_app
from tests.conftest import make_config


@pytest.mark.parametrize("path", ["/login", "/no-such-page", "/healthz"])
def test_every_response_has_the_security_headers(client, path):
    headers = client.get(path).headers
    csp = headers["Content-Security-Policy"]
    for directive in (
        "object-src 'none'",
        "base-uri 'none'",
        "frame-ancestors 'none'",
        "default-src 'self'",
    ):
        assert directive in csp
    assert "'unsafe-inline'" not in csp.split("script-src", 1)[1].split(";", 1)[0]
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Referrer-Policy"] == "strict-origin-when-cross-origin"
    assert headers["Cache-Control"] == "no-store"
    assert "Strict-Transport-Security" not in headers  # only in production
    assert "Werkzeug" not in headers.get("Server", "")


def test_pages_behind_login_are_not_cached(client, login, make_user):
    login(make_user().username)
    assert client.get("/orders/").headers["Cache-Control"] == "no-store"


def test_static_files_may_be_cached(client):
    response = client.get("/static/css/app.css")
    assert response.status_code == 200
    assert response.headers.get("Cache-Control") != "no-store"
    response.close()


def test_the_csp_nonce_changes_per_response(client):
    first = client.get("/login").headers["Content-Security-Policy"]
    second = client.get("/login").headers["Content-Security-Policy"]
    assert first != second


@pytest.fixture
def production_app(database_url, monkeypatch):
    monkeypatch.setenv("SECRET_KEY", "x" * 40)
    config = make_config(database_url)
    config.SESSION_COOKIE_SECURE = True
    config.SECURITY_HSTS = True
    config.TRUSTED_HOSTS = ["obento.example.jp"]
    return create_app(config)


def test_production_sends_hsts_and_secure_cookies(production_app):
    client = production_app.test_client()
    response = client.get("/login", base_url="https://obento.example.jp")
    assert response.headers["Strict-Transport-Security"].startswith("max-age=")
    assert "Secure" in response.headers["Set-Cookie"]


def test_untrusted_host_is_refused(production_app):
    response = production_app.test_client().get("/login", base_url="http://evil.example")
    assert response.status_code == 400
    assert "送信内容に問題があります" in response.text


def test_production_refuses_to_start_without_a_secret_key(monkeypatch):
    from config import ProductionConfig, get_config

    monkeypatch.setattr(ProductionConfig, "SECRET_KEY", "")
    with pytest.raises(RuntimeError, match="SECRET_KEY"):
        get_config("production")
    monkeypatch.setattr(ProductionConfig, "SECRET_KEY", "short")
    with pytest.raises(RuntimeError, match="SECRET_KEY"):
        get_config("production")
    assert TestingConfig.SECRET_KEY  # the test config needs none from the environment


@pytest.mark.parametrize(
    ("key", "reason"),
    [
        ("", "is not set (empty or only spaces)"),
        (" " * 40, "is not set (empty or only spaces)"),
        ("\t\n  \n", "is not set (empty or only spaces)"),
        ("  " + "k3y" * 5 + "  ", "is too short (15 characters)"),
        ("x" * 40, "is too simple (only 1 different characters)"),
        ("changeme" * 5, "is too simple (only 7 different characters)"),
    ],
)
def test_production_refuses_a_blank_short_or_placeholder_secret_key(monkeypatch, key, reason):
    from config import ProductionConfig, get_config

    monkeypatch.setattr(ProductionConfig, "SECRET_KEY", key)
    with pytest.raises(RuntimeError) as refused:
        get_config("production")
    assert str(refused.value).startswith(f"SECRET_KEY {reason}. Production needs a random value")
    assert "secrets.token_hex(32)" in str(refused.value)


def test_production_accepts_a_random_secret_key(monkeypatch):
    import secrets

    from config import ProductionConfig, get_config

    for key in (secrets.token_hex(16), secrets.token_urlsafe(32), f" {secrets.token_hex(32)}\n"):
        monkeypatch.setattr(ProductionConfig, "SECRET_KEY", key)
        assert key == get_config("production").SECRET_KEY
