"""Server-side logins: a random token in the signed cookie, its hash in `user_sessions`."""

import hashlib
import secrets
from datetime import timedelta

import sqlalchemy as sa
from flask import current_app
from sqlalchemy.orm import joinedload

from obento.clock import utcnow
from obento.extensions import db
from obento.models import User, UserSession

# last_seen_at is refreshed at most this often, so reading a page rarely writes.
_TOUCH_INTERVAL = timedelta(minutes=5)

# Run on every request of a logged-in user: built once, its values bound per call. The
# user's company or shop comes along: the manager's and the shop's pages all need it.
_LIVE_LOGIN = (
    sa.select(User, UserSession)
    .join(UserSession, UserSession.user_id == User.id)
    .options(joinedload(User.company), joinedload(User.shop))
    .where(
        User.id == sa.bindparam("user_id"),
        User.active,
        UserSession.token_hash == sa.bindparam("token_hash"),
        UserSession.created_at > sa.bindparam("created_after"),
        UserSession.last_seen_at > sa.bindparam("seen_after"),
    )
)


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def start_session(user: User) -> str:
    """Record a new login for `user` and return the token for the cookie."""
    token = secrets.token_urlsafe(32)
    now = utcnow()
    db.session.add(
        UserSession(user_id=user.id, token_hash=_hash(token), created_at=now, last_seen_at=now)
    )
    db.session.flush()
    return token


def end_session(token: str | None) -> None:
    """Forget the login behind `token`; copies of the cookie stop working."""
    if token:
        db.session.execute(sa.delete(UserSession).where(UserSession.token_hash == _hash(token)))


def end_user_sessions(user: User) -> None:
    """End every login of `user` (password change or reset, disabling the user)."""
    db.session.execute(sa.delete(UserSession).where(UserSession.user_id == user.id))


def user_for_session(user_id: str, token: str | None) -> User | None:
    """Return the active user of a live login, or None when it ended or expired."""
    if not token or not user_id.isdigit():
        return None
    now = utcnow()
    config = current_app.config
    row = db.session.execute(
        _LIVE_LOGIN,
        {
            "user_id": int(user_id),
            "token_hash": _hash(token),
            "created_after": now - config["SESSION_ABSOLUTE_TIMEOUT"],
            "seen_after": now - config["SESSION_IDLE_TIMEOUT"],
        },
    ).first()
    if row is None:
        return None
    user, login = row
    if now - login.last_seen_at > _TOUCH_INTERVAL:
        login.last_seen_at = now  # committed by the user loader
    return user
