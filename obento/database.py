"""Connecting to PostgreSQL: bounded time, a few retries, then give up cleanly."""

import time

import psycopg
import sqlalchemy as sa

from obento.extensions import db


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
