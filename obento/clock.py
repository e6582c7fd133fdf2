"""The application's clock: one place to read "now", so tests can set it.

`app.config["CLOCK"]` is a callable returning an aware UTC datetime; tests replace it with
a frozen one. Nothing else in the app calls `datetime.now()`.
"""

from datetime import UTC, datetime

from flask import current_app


def system_clock() -> datetime:
    return datetime.now(UTC)


def utcnow() -> datetime:
    """Return the current time (aware, UTC) from the app's clock."""
    return current_app.config.get("CLOCK", system_clock)()
