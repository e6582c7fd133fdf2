import time
from urllib.parse import urlsplit

from flask import current_app, redirect, render_template, request, session, url_for
from flask_login import current_user, login_required, login_user, logout_user

from obento.auth import bp
from obento.auth.forms import LoginForm
from obento.errors import render_error
from obento.extensions import db, login_manager
from obento.logs import log_fields
from obento.models import Role
from obento.services.sessions import end_session, start_session, user_for_session
from obento.services.throttle import (
    finish_login_attempt,
    login_throttled,
    start_login_attempt,
    withdraw_login_attempt,
)
from obento.services.users import authenticate, normalize_username

SESSION_TOKEN_KEY = "login_token"  # a session key name  # noqa: S105  # nosec B105
LOGIN_FAILED = "ユーザー名またはパスワードが正しくありません。"
LOGIN_THROTTLED = (
    "ログインの失敗が続いたため、一時的にログインを制限しています。"
    "15分ほど時間をおいてから再度お試しください。"
)
HOME_ENDPOINTS = {
    Role.STAFF: "ordering.index",
    Role.MANAGER: "company.orders",
    Role.SHOP: "shop.orders",
    Role.ADMIN: "admin.index",
}


@login_manager.user_loader
def load_user(user_id: str):
    user = user_for_session(user_id, session.get(SESSION_TOKEN_KEY))
    if user is not None and db.session.dirty:
        db.session.commit()
    return user


def begin_login(user) -> None:
    """Give this browser a new login of `user`: a fresh session and token (no fixation)."""
    session.clear()
    session.permanent = True
    session[SESSION_TOKEN_KEY] = start_session(user)
    login_user(user)


def safe_next(target: str | None) -> str | None:
    """Return `target` if it is a path on this site, else None (no open redirects)."""
    if not target or "\\" in target:
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return None
    return target


def home_url(user) -> str:
    return url_for(HOME_ENDPOINTS[Role(user.role)])


@bp.get("/")
def index():
    """Send each role to its home page."""
    if not current_user.is_authenticated:
        return redirect(url_for("auth.login"))
    return redirect(home_url(current_user))


def start_password_attempt(username: str, address: str):
    """Record a password attempt (a failure until finished) and commit it, so that parallel
    attempts count it; return it, or None when the account or the address has failed too
    often (the attempt is withdrawn and the caller answers 429 with LOGIN_THROTTLED)."""
    attempt = start_login_attempt(username, address)
    db.session.commit()
    if login_throttled(username, address):
        withdraw_login_attempt(attempt)
        db.session.commit()
        current_app.logger.warning(
            "login throttled %s", log_fields({"user": username[:64], "address": address})
        )
        return None
    return attempt


# Seam for the tests.
_sleep = time.sleep


def answer_failure_no_sooner(started: float) -> None:
    """Let a failed login take at least FAILED_LOGIN_MIN_MS.

    A hash kept from the original system (bcrypt, replaced at the user's first login), an
    argon2id hash and an unknown name (a dummy argon2id check) cost different times; without
    a floor, the time of a failure would tell which accounts still have an old hash.
    """
    remaining = current_app.config["FAILED_LOGIN_MIN_MS"] / 1000 - (time.monotonic() - started)
    if remaining > 0:
        _sleep(remaining)


@bp.route("/login", methods=["GET", "POST"])
def login():
    """Show the login form and log the user in."""
    form = LoginForm()
    next_url = safe_next(request.values.get("next"))
    status = 200
    if form.validate_on_submit():
        # One failure count for the name however it was typed (ｙａｍａｄａ is yamada).
        username, address = normalize_username(form.username.data), request.remote_addr or "-"
        attempt = start_password_attempt(username, address)
        if attempt is None:
            return render_error(429, LOGIN_THROTTLED)
        started = time.monotonic()
        user = authenticate(form.username.data, form.password.data)
        finish_login_attempt(attempt, succeeded=user is not None)
        if user is not None:
            begin_login(user)
            db.session.commit()
            current_app.logger.info("login %s", log_fields({"user": user.username}))
            return redirect(next_url or home_url(user), code=303)
        db.session.commit()  # keeps the failed attempt for throttling
        current_app.logger.warning(
            "login failed %s", log_fields({"user": username[:64], "address": address})
        )
        answer_failure_no_sooner(started)
        form.form_errors.append(LOGIN_FAILED)
        status = 401
    elif form.is_submitted():
        status = 422
    return render_template("auth/login.html", form=form, next_url=next_url), status


@bp.post("/logout")
@login_required
def logout():
    """End the login everywhere this cookie has been copied to."""
    end_session(session.get(SESSION_TOKEN_KEY))
    db.session.commit()
    logout_user()
    session.clear()
    return redirect(url_for("auth.login"), code=303)
