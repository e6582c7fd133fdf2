"""Business dates and times in the business time zone (Asia/Tokyo), as pure functions.

Every date a user sees or a rule uses is computed here from an aware UTC instant, so the
server's own time zone never matters. The ordering rules (orderable days, deadlines) live
here too.
"""

import enum
from collections.abc import Collection, Mapping
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from types import MappingProxyType

import jpholiday
import pytz

from config import Config

TIMEZONE = pytz.timezone(Config.OBENTO_TIMEZONE)
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


# Days off the administrator added (obento.services.holidays), by the callers that read them.
NO_HOLIDAYS: Mapping[date, str] = MappingProxyType({})


def holiday_name(day: date, added: Mapping[date, str] = NO_HOLIDAYS) -> str | None:
    """Return the name of the holiday on `day`, an `added` one or a national one, or None."""
    return added.get(day) or jpholiday.is_holiday_name(day)


def national_holidays(first: date, last: date) -> list[tuple[date, str]]:
    """Return Japan's national holidays from `first` to `last` (inclusive), by date."""
    return jpholiday.between(first, last)


def add_months(first: date, months: int) -> date:
    """Return the first day of the month `months` after the month of `first`."""
    index = first.year * 12 + first.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


def period(end: date, days_ago: int) -> tuple[date, date]:
    """Return the inclusive (first, last) delivery dates of a period view."""
    return end - timedelta(days=days_ago), end


# Ordering rules --------------------------------------------------------------------------
#
# The functions below take `shop` as anything with the Shop model's rule attributes
# (`ShopRules` below, or a `Shop` row), the closed days as a set of dates and the instant
# `now` (aware), so that they can be tested at the edges without a database or a clock.


class OrderPermission(enum.Enum):
    """What may be done to a live order at a given instant."""

    CHANGE = "change"  # change or cancel free of charge (before the order deadline)
    CANCEL_WITH_FEE = "cancel_with_fee"  # only cancel, and the shop's fee is owed
    NONE = "none"  # nothing any more; the full price is owed


@dataclass(frozen=True)
class ShopRules:
    """A shop's ordering rules with the defaults of a new shop (see `obento.models.Shop`)."""

    order_deadline_days_before: int = 1
    order_deadline_time: time = time(14, 0)
    cancel_deadline_time: time = time(10, 30)
    cancel_fee: int = 300
    open_weekdays: int = 0b0011111  # bit 0 = Monday ... bit 6 = Sunday
    opens_on_holidays: bool = False
    max_days_ahead: int = 14


def order_deadline(shop, delivery_date: date) -> datetime:
    """Return the last instant (exclusive) at which `delivery_date` may be ordered or changed."""
    day = delivery_date - timedelta(days=shop.order_deadline_days_before)
    return local_instant(day, shop.order_deadline_time)


def cancel_deadline(shop, delivery_date: date) -> datetime:
    """Return the instant (exclusive) after which an order can no longer be cancelled."""
    return local_instant(delivery_date, shop.cancel_deadline_time)


def closed_reason(
    shop,
    day: date,
    closed_days: Collection[date] = (),
    holidays: Mapping[date, str] = NO_HOLIDAYS,
) -> str | None:
    """Return why the shop does not deliver on `day` (Japanese), or None when it does.

    `closed_days` are the shop's own, `holidays` the days off the administrator added.
    """
    if not shop.open_weekdays & (1 << day.weekday()):
        return f"定休日（{WEEKDAYS_JA[day.weekday()]}曜日）です。"
    if not shop.opens_on_holidays:
        holiday = holiday_name(day, holidays)
        if holiday:
            return f"祝日（{holiday}）のためお休みです。"
    if day in closed_days:
        return "店舗の休業日です。"
    return None


def unorderable_reason(
    shop,
    day: date,
    now: datetime,
    closed_days: Collection[date] = (),
    holidays: Mapping[date, str] = NO_HOLIDAYS,
) -> str | None:
    """Return why `day` cannot be ordered from the shop at `now` (Japanese), or None.

    The window (today .. max days ahead) is checked first: the holiday lookup works out
    neighbouring days and must only see dates near today.
    """
    today = local_today(now)
    if day < today:
        return "過去の日付は注文できません。"
    last_day = today + timedelta(days=shop.max_days_ahead)
    if day > last_day:
        return f"注文できるのは{format_date(last_day)}のお届け分までです。"
    closed = closed_reason(shop, day, closed_days, holidays)
    if closed:
        return f"{format_date(day)}は{closed}"
    deadline = order_deadline(shop, day)
    if now >= deadline:
        return (
            f"{format_date(day)}のお届け分は締め切りました"
            f"（注文締切: {format_datetime(deadline)}）。"
        )
    return None


def is_orderable(
    shop,
    day: date,
    now: datetime,
    closed_days: Collection[date] = (),
    holidays: Mapping[date, str] = NO_HOLIDAYS,
) -> bool:
    """Return whether `day` may be ordered from the shop at `now`."""
    return unorderable_reason(shop, day, now, closed_days, holidays) is None


def orderable_dates(
    shop,
    now: datetime,
    closed_days: Collection[date] = (),
    count: int = 7,
    holidays: Mapping[date, str] = NO_HOLIDAYS,
) -> list[date]:
    """Return the next `count` delivery dates the shop takes orders for at `now`."""
    today = local_today(now)
    found = []
    for offset in range(shop.max_days_ahead + 1):
        day = today + timedelta(days=offset)
        if is_orderable(shop, day, now, closed_days, holidays):
            found.append(day)
            if len(found) == count:
                break
    return found


def order_permission(shop, delivery_date: date, now: datetime) -> OrderPermission:
    """Return what may still be done at `now` to a live order for `delivery_date`."""
    if now < order_deadline(shop, delivery_date):
        return OrderPermission.CHANGE
    if now < cancel_deadline(shop, delivery_date):
        return OrderPermission.CANCEL_WITH_FEE
    return OrderPermission.NONE
