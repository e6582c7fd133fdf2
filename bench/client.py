"""Logging simulated users in through the real login form, the way a browser does."""

import html
import http.client
import re
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from urllib.parse import urlencode

COOKIE_NAME = "obento_session"
_CSRF = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')
_COOKIE = re.compile(rf"{COOKIE_NAME}=([^;]*)")


class LoginError(RuntimeError):
    pass


@dataclass
class Login:
    username: str
    cookie: str  # the whole Cookie header value
    csrf_token: str | None  # from the page fetched after logging in


def _request(port: int, method: str, path: str, cookie: str | None = None, form=None):
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        headers = {}
        body = None
        if cookie:
            headers["Cookie"] = cookie
        if form is not None:
            body = urlencode(form)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        connection.request(method, path, body=body, headers=headers)
        response = connection.getresponse()
        return response.status, response.getheaders(), response.read().decode("utf-8", "replace")
    finally:
        connection.close()


def _cookie(headers, previous: str | None) -> str | None:
    for name, value in headers:
        if name.lower() == "set-cookie":
            match = _COOKIE.match(value.strip())
            if match:
                return f"{COOKIE_NAME}={match.group(1)}"
    return previous


def csrf_token(page: str) -> str | None:
    match = _CSRF.search(page)
    return html.unescape(match.group(1)) if match else None


def login(port: int, username: str, password: str, page: str) -> Login:
    """Log in through GET/POST /login, then GET `page` for a CSRF token of the new session.

    The login clears the session (no fixation), so the token of the login page is no good
    afterwards: the token for later POSTs comes from a page rendered for the logged-in user.
    """
    status, headers, body = _request(port, "GET", "/login")
    cookie, token = _cookie(headers, None), csrf_token(body)
    if status != 200 or token is None:
        raise LoginError(f"GET /login answered {status} without a CSRF token")
    form = {"username": username, "password": password, "csrf_token": token}
    status, headers, _ = _request(port, "POST", "/login", cookie, form)
    if status != 303:
        raise LoginError(f"POST /login for {username} answered {status}, not 303")
    cookie = _cookie(headers, cookie)
    status, headers, body = _request(port, "GET", page, cookie)
    return Login(username, _cookie(headers, cookie), csrf_token(body) if status == 200 else None)


def login_many(port: int, usernames: list[str], password: str, page: str, parallel: int):
    """Log every user in; `parallel` at a time (argon2 keeps the workers busy)."""
    with ThreadPoolExecutor(max_workers=parallel) as pool:
        return list(pool.map(lambda name: login(port, name, password, page), usernames))


def get(port: int, path: str, cookie: str | None = None) -> tuple[int, str]:
    status, _, body = _request(port, "GET", path, cookie)
    return status, body
