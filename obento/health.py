"""`GET /healthz` for load balancers and monitoring."""

import sqlalchemy as sa
from flask import Blueprint, current_app
from sqlalchemy.exc import DBAPIError

from obento.extensions import db

bp = Blueprint("health", __name__)


@bp.get("/healthz")
def healthz():
    """Report whether the app can reach its database."""
    try:
        db.session.execute(sa.text("SELECT 1"))
    except DBAPIError as exc:
        db.session.rollback()
        current_app.logger.error("healthz: database unreachable (%s)", type(exc.orig).__name__)
        return {"status": "error", "database": "unreachable"}, 503
    return {"status": "ok", "database": "ok"}
