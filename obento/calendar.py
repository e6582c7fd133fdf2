"""Business dates and times in the business time zone (Asia/Tokyo), as pure functions.

Every date a user sees or a rule uses is computed here from an aware UTC instant, so the
server's own time zone never matters. The ordering rules (orderable days, deadlines) live
here too.
"""

import os
from datetime import date, datetime, time, timedelta

import jpholiday
import pytz

TIMEZONE = pytz.timezone(os.environ.get("OBENTO_TIMEZONE", "Asia/Tokyo"))
WEEKDAYS_JA = "月火水木金土日"


def to_local(instant: datetime) -> datetime:
    """Return the aware instant in the business time zone."""
    if instant.tzinfo is None:
        raise ValueError("naive datetimes are ambiguous; pass an aware one")
    return instant.astimezone(TIMEZONE)


def local_today(now: datetime) -> date:
    """Return the business date (JST) at the instant `now`."""
    return to_local(now).date()


def local_instant(day: date, at: time) -> datetime:
    """Return the aware instant of wall-clock time `at` on `day` in the business time zone."""
    return TIMEZONE.localize(datetime.combine(day, at))


def format_date(day: date) -> str:
    """`2026年11月25日(水)`"""
    return f"{day.year}年{day.month}月{day.day}日({WEEKDAYS_JA[day.weekday()]})"


def format_datetime(instant: datetime) -> str:
    """`2026年11月25日(水) 10:30` in the business time zone."""
    local = to_local(instant)
    return f"{format_date(local.date())} {local:%H:%M}"


def holiday_name(day: date) -> str | None:
    """Return the name of the Japanese national holiday on `day`, or None."""
    return jpholiday.is_holiday_name(day)


def period(end: date, days_ago: int) -> tuple[date, date]:
    """Return the inclusive (first, last) delivery dates of a period view."""
    return end - timedelta(days=days_ago), end
