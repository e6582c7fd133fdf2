"""Connecting to PostgreSQL: bounded time, a few retries, then give up cleanly."""

import contextlib
import time

import psycopg
import sqlalchemy as sa

from obento.extensions import db


def mark_lost_connections(context) -> None:
    """Treat a connection the server closed (restart, admin shutdown) as a disconnect.

    SQLAlchemy then closes and discards it instead of returning it to the pool. Timeouts
    (query cancelled, lock not available) keep their connection.
    """
    error = context.original_exception
    if isinstance(error, psycopg.OperationalError):
        sqlstate = getattr(error, "sqlstate", None)
        if sqlstate is None or sqlstate.startswith(("08", "57P")):
            context.is_disconnect = True


def configure_database(app) -> None:
    """Retry new connections a few times with back-off before the request fails with 503.

    Each attempt is bounded by connect_timeout (engine options in config.py); a stale pooled
    connection is detected by pool_pre_ping and replaced through this same path.
    """
    retries = max(1, app.config["DB_CONNECT_RETRIES"])
    backoff = app.config["DB_RETRY_BACKOFF"]

    def connect_with_retries(dialect, connection_record, cargs, cparams):
        delay = backoff
        for attempt in range(1, retries + 1):
            try:
                return dialect.connect(*cargs, **cparams)
            except psycopg.OperationalError:
                if attempt == retries:
                    raise
                time.sleep(delay)
                delay *= 2
        return None  # not reached

    with app.app_context():
        sa.event.listen(db.engine, "do_connect", connect_with_retries)
        sa.event.listen(db.engine, "handle_error", mark_lost_connections)

    # Registered after Flask-SQLAlchemy's teardown, so it runs first (teardowns run in
    # reverse): a connection the server closed after the page's work was done (a restart)
    # must not turn the finished response into a 500. The dead connection is discarded and
    # pool_pre_ping keeps it from being handed out again.
    @app.teardown_appcontext
    def remove_session(exception=None):
        if not db.session.registry.has():
            return
        session = db.session.registry()
        try:
            session.close()
        except sa.exc.DBAPIError as error:
            with contextlib.suppress(sa.exc.DBAPIError):
                session.invalidate()  # closes the dead DBAPI connection for good
            app.logger.warning(
                "database connection lost at the end of a request (%s)", type(error.orig).__name__
            )
        finally:
            db.session.registry.clear()
