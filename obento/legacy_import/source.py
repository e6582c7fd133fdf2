"""Reading the original application's SQLite file and its loosely typed values."""

import sqlite3
from datetime import date, datetime
from pathlib import Path

from obento.calendar import local_instant

TABLES = ("Company", "User", "Menu", "Orders")
SQLITE_INTEGER_MAX = 2**63 - 1
# Timestamps and days outside these years are placeholders or typing errors (0001-01-01,
# 9999-12-31); the deadline rules need a day before and after every delivery date.
EARLIEST_YEAR, LATEST_YEAR = 1970, 2099


class LegacyImportError(Exception):
    """The file cannot be imported at all (not SQLite, a table missing)."""


class BadRow(Exception):
    """One source row cannot be imported; the message is the reason shown in the report."""


class LegacySource:
    """The four tables of an original database, each row a dict keyed by lower-case column."""

    def __init__(self, path: str):
        self.path = Path(path)
        self.name = self.path.name
        self._connection = sqlite3.connect(f"{self.path.resolve().as_uri()}?mode=ro", uri=True)
        self._connection.row_factory = sqlite3.Row
        try:
            names = {
                row[0].lower(): row[0]
                for row in self._connection.execute(
                    "SELECT name FROM sqlite_master WHERE type = 'table'"
                )
            }
        except sqlite3.DatabaseError as error:
            self.close()
            raise LegacyImportError(f"{self.name} is not an SQLite database ({error}).") from None
        missing = [table for table in TABLES if table.lower() not in names]
        if missing:
            self.close()
            raise LegacyImportError(
                f"{self.name} is not a database of the original application:"
                f" table(s) {', '.join(missing)} missing."
            )
        self._tables = {table: names[table.lower()] for table in TABLES}

    def columns(self, table: str) -> set[str]:
        quoted = self._tables[table].replace('"', '""')
        return {
            row["name"].lower()
            for row in self._connection.execute(f'PRAGMA table_info("{quoted}")')
        }

    def rows(self, table: str) -> list[dict]:
        quoted = self._tables[table].replace('"', '""')
        query = f'SELECT * FROM "{quoted}" ORDER BY rowid'  # a quoted table name  # noqa: S608  # nosec B608
        cursor = self._connection.execute(query)
        return [{key.lower(): row[key] for key in row.keys()} for row in cursor]  # noqa: SIM118

    def close(self) -> None:
        self._connection.close()


def text(value) -> str:
    """The value as stripped text; NULL is empty."""
    return "" if value is None else str(value).strip()


def as_int(value, what: str) -> int:
    """An integer from an INTEGER or numeric TEXT column, or BadRow."""
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, int):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    try:
        return int(text(value))
    except ValueError:
        raise BadRow(f"{what} is not a whole number: {value!r}") from None


def as_id(value, what: str = "id") -> int:
    number = as_int(value, what)
    if number < 1:
        raise BadRow(f"{what} is not a positive number: {value!r}")
    if number > SQLITE_INTEGER_MAX:  # only a TEXT column can hold more
        raise BadRow(f"{what} is too large: {value!r}")
    return number


def as_flag(value) -> bool:
    """The old 0/1 integer flags (NULL, '' and '0' are false)."""
    return text(value).lower() not in ("", "0", "false")


def _parse_wall_clock(value, what: str) -> datetime:
    raw = text(value).replace("/", "-")
    if raw.endswith("Z"):
        raw = raw[:-1] + "+00:00"
    try:
        wall = datetime.fromisoformat(raw)
    except ValueError:
        raise BadRow(f"{what} is not a date and time: {value!r}") from None
    if not EARLIEST_YEAR <= wall.year <= LATEST_YEAR:
        raise BadRow(f"{what} is outside the years {EARLIEST_YEAR} to {LATEST_YEAR}: {value!r}")
    return wall


def parse_jst(value, what: str) -> datetime | None:
    """An aware instant from the old naive JST text (`2025-04-12 11:37:45`); empty is None."""
    if not text(value):
        return None
    wall = _parse_wall_clock(value, what)
    if wall.tzinfo is not None:  # never written by the old app, but unambiguous if present
        return wall
    return local_instant(wall.date(), wall.time())


def parse_day(value, what: str) -> date | None:
    """The JST calendar day of a `2025-04-14` (or date-and-time) text; empty is None."""
    if not text(value):
        return None
    return _parse_wall_clock(value, what).date()
