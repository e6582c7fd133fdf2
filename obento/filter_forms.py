"""Query-string filters of the list pages: a period (`date`, `days_ago`) and a `month`.

The fields are text fields with their own validators, so that a bad value in the URL gets a
Japanese message next to the field (WTForms' date and integer fields only know English).
"""

import re
from datetime import date, timedelta

from flask import request
from flask_wtf import FlaskForm
from wtforms import StringField
from wtforms.validators import Optional, ValidationError
from wtforms.widgets import DateInput, MonthInput, NumberInput

from obento.calendar import add_months, period

# Dates outside these bounds are typing mistakes; keeping them out also keeps
# `date - timedelta` away from year 1.
MIN_DATE = date(2000, 1, 1)
MAX_DATE = date(2099, 12, 31)
MAX_DAYS_AGO = 366
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_MONTH = re.compile(r"\d{4}-\d{2}")
_DAYS = re.compile(r"\d{1,4}")
DATE_MESSAGE = "日付は「2026-11-25」のような形式で、2000年から2099年までの日付を指定してください。"
DAYS_AGO_MESSAGE = f"さかのぼる日数は0から{MAX_DAYS_AGO}までの半角数字で入力してください。"
MONTH_MESSAGE = "月は「2026-11」のような形式で、2000年から2099年までの月を指定してください。"


def parse_date(text: str) -> date:
    """Return the date of a `YYYY-MM-DD` text within the accepted bounds, or raise ValueError."""
    if not _DATE.fullmatch(text):
        raise ValueError(text)
    day = date.fromisoformat(text)
    if not MIN_DATE <= day <= MAX_DATE:
        raise ValueError(text)
    return day


def parse_month(text: str) -> date:
    """Return the first day of a `YYYY-MM` month within the accepted bounds, or raise ValueError."""
    if not _MONTH.fullmatch(text):
        raise ValueError(text)
    return parse_date(f"{text}-01")


def month_range(first: date) -> tuple[date, date]:
    """Return the first and last day of the month starting at `first`."""
    return first, add_months(first, 1) - timedelta(days=1)


def neighbour_months(first: date) -> tuple[date | None, date | None]:
    """Return the first days of the months before and after, None beyond the accepted bounds."""
    previous, following = add_months(first, -1), add_months(first, 1)
    return (
        previous if previous >= MIN_DATE else None,
        following if following <= MAX_DATE else None,
    )


def _strip(value: str | None) -> str | None:
    return value.strip() if value else value


def _valid_date(form, field) -> None:
    try:
        parse_date(field.data)
    except ValueError:
        raise ValidationError(DATE_MESSAGE) from None


def _valid_days_ago(form, field) -> None:
    if not _DAYS.fullmatch(field.data) or int(field.data) > MAX_DAYS_AGO:
        raise ValidationError(DAYS_AGO_MESSAGE)


def _valid_month(form, field) -> None:
    try:
        parse_month(field.data)
    except ValueError:
        raise ValidationError(MONTH_MESSAGE) from None


class QueryForm(FlaskForm):
    """A form read from the query string, without CSRF (GET changes nothing)."""

    class Meta:
        csrf = False

    def __init__(self, **kwargs):
        super().__init__(formdata=request.args, **kwargs)


class PeriodForm(QueryForm):
    date = StringField(
        "お届け日", validators=[Optional(), _valid_date], widget=DateInput(), filters=[_strip]
    )
    days_ago = StringField(
        "さかのぼる日数",
        validators=[Optional(), _valid_days_ago],
        widget=NumberInput(min=0, max=MAX_DAYS_AGO),
        filters=[_strip],
    )

    def period(self, today: date) -> tuple[date, date]:
        """Return the inclusive (first, last) delivery dates; call after `validate()`."""
        end = parse_date(self.date.data) if self.date.data else today
        days_ago = int(self.days_ago.data) if self.days_ago.data else 0
        # The fields show the period on screen, not an empty date picker.
        self.date.data, self.days_ago.data = end.isoformat(), str(days_ago)
        return period(end, days_ago)


class DateForm(QueryForm):
    date = StringField(
        "お届け日", validators=[Optional(), _valid_date], widget=DateInput(), filters=[_strip]
    )

    def day(self, today: date) -> date:
        day = parse_date(self.date.data) if self.date.data else today
        self.date.data = day.isoformat()  # shown in the field
        return day


class MonthForm(QueryForm):
    month = StringField(
        "対象月", validators=[Optional(), _valid_month], widget=MonthInput(), filters=[_strip]
    )

    def month_range(self, today: date) -> tuple[date, date]:
        first = parse_month(self.month.data) if self.month.data else today.replace(day=1)
        self.month.data = f"{first:%Y-%m}"  # shown in the field
        return month_range(first)
