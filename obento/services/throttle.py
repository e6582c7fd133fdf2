"""Login throttling shared by every worker and server: attempts live in PostgreSQL."""

from datetime import timedelta

import sqlalchemy as sa
from flask import current_app

from obento.clock import utcnow
from obento.extensions import db
from obento.models import LoginAttempt

# Attempts older than this are deleted when new failures are recorded.
_KEEP = timedelta(days=1)


def login_throttled(username: str, address: str) -> bool:
    """Return whether this account or this client address has failed too often lately."""
    since = utcnow() - current_app.config["LOGIN_FAILURE_WINDOW"]
    failures = sa.and_(~LoginAttempt.succeeded, LoginAttempt.at > since)
    by_user, by_address = db.session.execute(
        sa.select(
            sa.func.count().filter(LoginAttempt.username == username[:64]),
            sa.func.count().filter(LoginAttempt.address == address[:64]),
        ).where(
            failures,
            sa.or_(LoginAttempt.username == username[:64], LoginAttempt.address == address[:64]),
        )
    ).one()
    limit = current_app.config["LOGIN_MAX_FAILURES"]
    return by_user >= limit or by_address >= limit


def record_login_attempt(username: str, address: str, succeeded: bool) -> None:
    now = utcnow()
    db.session.add(
        LoginAttempt(username=username[:64], address=address[:64], succeeded=succeeded, at=now)
    )
    if not succeeded:
        db.session.execute(sa.delete(LoginAttempt).where(LoginAttempt.at < now - _KEEP))
