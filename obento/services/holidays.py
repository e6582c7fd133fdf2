"""Holidays: Japan's national holidays (jpholiday) and the days the administrator adds.

A shop that does not open on holidays closes on both kinds. The rules in obento.calendar
take the added days as a mapping (day -> name) that the caller reads for the dates it
looks at, so that they stay free of the database.
"""

from datetime import date
from typing import NamedTuple

import sqlalchemy as sa

from obento.calendar import holiday_name, local_today, national_holidays
from obento.clock import utcnow
from obento.extensions import db
from obento.models import Holiday, User
from obento.services import DomainError
from obento.services.closures import (
    Closing,
    cancel_orders_of_closed_day,
    check_orders_confirmed,
    lock_order_writes,
)
from obento.services.text import check_single_line

NAME_MAX = 100


class HolidayLine(NamedTuple):
    day: date
    name: str
    added: Holiday | None  # None for a national holiday


def added_holidays(first: date, last: date) -> dict[date, str]:
    """Return the administrator's holidays from `first` to `last` (inclusive)."""
    rows = db.session.execute(
        sa.select(Holiday.day, Holiday.name).where(Holiday.day.between(first, last))
    )
    return {row.day: row.name for row in rows}


def holiday_lines(first: date, last: date) -> list[HolidayLine]:
    """Return the national holidays from `first` to `last` and every added one from `first`
    on (however far ahead: each can be seen and removed), by date."""
    added = db.session.scalars(sa.select(Holiday).where(Holiday.day >= first))
    lines = [HolidayLine(day, name, None) for day, name in national_holidays(first, last)]
    lines += [HolidayLine(holiday.day, holiday.name, holiday) for holiday in added]
    return sorted(lines, key=lambda line: line.day)


def add_holiday(
    day: date,
    name: str,
    actor: User,
    *,
    cancel_orders: bool = False,
    cancel_late_orders: bool = False,
) -> tuple[Holiday, Closing]:
    """Declare `day` a holiday for every shop that closes on holidays; return it and what
    became of the day's orders (cancelled when `cancel_orders`, and `cancel_late_orders` for
    those past their cancel deadline, confirm it: see services.closures)."""
    name = name.strip()
    if not name:
        raise DomainError("祝日・休日の名前を入力してください。", field="name")
    if len(name) > NAME_MAX:
        raise DomainError(f"名前は{NAME_MAX}文字以内にしてください。", field="name")
    check_single_line(name, "名前", "name")
    now = utcnow()
    if day < local_today(now):
        raise DomainError("過ぎた日は登録できません。今日以降の日付を選んでください。", field="day")
    national = holiday_name(day)
    if national:
        raise DomainError(f"この日はすでに国民の祝日（{national}）です。", field="day")
    lock_order_writes()  # before the duplicate check, as in services.shops.add_closed_day
    if db.session.scalar(sa.select(Holiday.id).where(Holiday.day == day)) is not None:
        raise DomainError("この日はすでに登録されています。", field="day")
    check_orders_confirmed(day, cancel_orders, late_confirmed=cancel_late_orders, now=now)
    holiday = Holiday(day=day, name=name)
    db.session.add(holiday)
    db.session.flush()
    return holiday, cancel_orders_of_closed_day(day, actor, f"休日（{name}）")


def remove_holiday(holiday_id: int) -> Holiday:
    """Remove an added holiday; a national holiday cannot be removed (it is not a row)."""
    holiday = db.session.get(Holiday, holiday_id)
    if holiday is None:
        raise DomainError("登録された休日が見つかりません。", status=404)
    db.session.delete(holiday)
    db.session.flush()
    return holiday
