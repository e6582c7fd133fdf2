"""Connecting to PostgreSQL: bounded time, a few retries, then give up cleanly."""

import contextlib
import select
import time

import psycopg
import sqlalchemy as sa
from flask import has_request_context, request

from obento.extensions import db

# Requests that only read: each statement runs on its own (autocommit), with no BEGIN and
# ROLLBACK round trips around them. At READ COMMITTED every statement takes its own snapshot
# anyway, so the page sees exactly what it saw inside a transaction.
READ_METHODS = frozenset({"GET", "HEAD"})


def unplanned(value: sa.ColumnElement) -> sa.ScalarSelect:
    """`value` (a bound parameter) as a sub-select, whose value the planner does not look at.

    psycopg prepares a statement run often; PostgreSQL then plans it anew for every call as
    long as a plan for the actual values looks cheaper than its generic plan. On a long
    history it looked so for the day list's digest and the staff's coming orders, and they
    were planned on every request (0.6 ms of the digest's 2 ms on 1,000,000 orders; on
    10,000 the generic plan was kept). A hidden value is estimated alike in both plans, so
    the generic plan is kept. For hot statements whose best plan does not depend on the
    value (the same index either way); tests/test_plan_cache.py checks that it is kept."""
    return sa.select(value).scalar_subquery()


def constant(value) -> sa.BindParameter:
    """`value` written into the statement's text instead of sent as a parameter, so that a
    prepared statement's generic plan is estimated for it too and may use a partial index on
    it (`status = 'ordered'`); otherwise a plan for the actual values can look cheaper for
    that alone and be made anew on every call (see `unplanned`)."""
    return sa.literal(value, literal_execute=True)


@sa.event.listens_for(sa.orm.Session, "do_orm_execute")
def read_without_transaction(orm_execute_state) -> None:
    """Give a GET or HEAD request's session an autocommit connection when it first needs one.

    Lazily, so a page that needs no database (the login form) works while it is down. Tests
    bind their session to a connection inside their own transaction: that one is left be.
    """
    session = orm_execute_state.session
    if (
        not session.in_transaction()
        and has_request_context()
        and request.method in READ_METHODS
        and isinstance(session.get_bind(), sa.Engine)
    ):
        session.connection(execution_options={"isolation_level": "AUTOCOMMIT"})


def server_closed(dbapi_connection) -> bool:
    """Whether the server spoke on an idle pooled connection: it only does so to close it
    (restart, admin shutdown, idle timeout). One poll() instead of a round trip per request."""
    if dbapi_connection.closed:
        return True
    try:
        fd = dbapi_connection.pgconn.socket
    except psycopg.OperationalError:
        return True
    poller = select.poll()
    poller.register(fd, select.POLLIN | select.POLLERR | select.POLLHUP)
    return bool(poller.poll(0))


def check_pooled_connection(dbapi_connection, connection_record, connection_proxy) -> None:
    """Pool checkout hook: hand out no connection the server has closed. DisconnectionError
    makes the pool discard it and connect afresh (through connect_with_retries)."""
    if server_closed(dbapi_connection):
        raise sa.exc.DisconnectionError("the server closed this pooled connection")


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
    connection is detected by check_pooled_connection and replaced through this same path.
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
        sa.event.listen(db.engine.pool, "checkout", check_pooled_connection)

    # Registered after Flask-SQLAlchemy's teardown, so it runs first (teardowns run in
    # reverse): a connection the server closed after the page's work was done (a restart)
    # must not turn the finished response into a 500. The dead connection is discarded and
    # check_pooled_connection keeps it from being handed out again.
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
