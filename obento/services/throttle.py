"""Login throttling shared by every worker and server: attempts live in PostgreSQL.

An attempt is recorded (as a failure until it succeeds) and committed *before* the failures
are counted, and the count includes it. Of attempts racing in parallel, each one counts all
those committed before it, so at most LOGIN_MAX_FAILURES of them get to try a password:
checking first and recording afterwards let every racer pass the same check. An attempt
refused as throttled is withdrawn, so waiting out the window still works as before.

The price: an attempt counts as a failure while its password is being checked. Only when
more than LOGIN_MAX_FAILURES attempts for one account or address arrive within that fraction
of a second can one be refused that would have succeeded; it may try again at once.
"""

from datetime import timedelta

import sqlalchemy as sa
from flask import current_app

from obento.clock import utcnow
from obento.extensions import db
from obento.models import LoginAttempt

# Attempts older than this are deleted when new failures are recorded.
_KEEP = timedelta(days=1)


def start_login_attempt(username: str, address: str) -> LoginAttempt:
    """Record an attempt as failed; the caller commits it before `login_throttled`."""
    attempt = LoginAttempt(
        username=username[:64], address=address[:64], succeeded=False, at=utcnow()
    )
    db.session.add(attempt)
    db.session.flush()
    return attempt


def login_throttled(username: str, address: str) -> bool:
    """Return whether this account or client address has failed too often lately.

    The count includes the committed attempt of the caller itself, hence "more than".
    """
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
    return by_user > limit or by_address > limit


def withdraw_login_attempt(attempt: LoginAttempt) -> None:
    """Forget an attempt refused as throttled: it tried no password."""
    db.session.delete(attempt)


def finish_login_attempt(attempt: LoginAttempt, succeeded: bool) -> None:
    """Mark the attempt succeeded, or leave it failed and clean up old attempts."""
    if succeeded:
        attempt.succeeded = True
    else:
        db.session.execute(sa.delete(LoginAttempt).where(LoginAttempt.at < attempt.at - _KEEP))
