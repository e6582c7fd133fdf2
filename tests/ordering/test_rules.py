"""The ordering rules of obento.calendar at their edges, in two server time zones.

Every test runs twice: with the process time zone set to UTC and to America/New_York, so the
answers cannot depend on the machine's clock settings.
"""

import os
import time as time_module
from datetime import date, time

import pytest

from obento.calendar import (
    OrderPermission,
    ShopRules,
    add_months,
    cancel_deadline,
    is_orderable,
    local_today,
    order_deadline,
    order_permission,
    orderable_dates,
    unorderable_reason,
)
from tests.conftest import jst

DEFAULT = ShopRules()


@pytest.fixture(autouse=True, params=["UTC", "America/New_York"])
def server_timezone(request):
    """Run the test with the process time zone set to `param`, then restore it."""
    before = os.environ.get("TZ")
    os.environ["TZ"] = request.param
    time_module.tzset()
    assert time_module.tzname[0] in ({"UTC"} if request.param == "UTC" else {"EST"})
    yield request.param
    if before is None:
        del os.environ["TZ"]
    else:
        os.environ["TZ"] = before
    time_module.tzset()


def test_deadlines_default_to_the_day_before_14_00_and_10_30_on_the_day():
    assert order_deadline(DEFAULT, date(2026, 11, 26)) == jst("2026-11-25 14:00")
    assert cancel_deadline(DEFAULT, date(2026, 11, 26)) == jst("2026-11-26 10:30")


def test_order_deadline_14_00_the_day_before_is_exclusive():
    thursday = date(2026, 11, 26)
    assert is_orderable(DEFAULT, thursday, jst("2026-11-25 13:59:59"))
    reason = unorderable_reason(DEFAULT, thursday, jst("2026-11-25 14:00:00"))
    assert reason == (
        "2026年11月26日(木)のお届け分は締め切りました（注文締切: 2026年11月25日(水) 14:00）。"
    )


def test_change_is_free_until_the_order_deadline_then_cancel_costs_the_fee():
    thursday = date(2026, 11, 26)
    assert order_permission(DEFAULT, thursday, jst("2026-11-25 13:59:59")) is (
        OrderPermission.CHANGE
    )
    assert order_permission(DEFAULT, thursday, jst("2026-11-25 14:00:00")) is (
        OrderPermission.CANCEL_WITH_FEE
    )
    assert order_permission(DEFAULT, thursday, jst("2026-11-26 10:29:59")) is (
        OrderPermission.CANCEL_WITH_FEE
    )
    assert order_permission(DEFAULT, thursday, jst("2026-11-26 10:30:00")) is (OrderPermission.NONE)


def test_the_business_day_turns_at_midnight_jst():
    # A shop that takes same-day orders until 23:59 of the day itself.
    late = ShopRules(order_deadline_days_before=0, order_deadline_time=time(23, 59))
    thursday = date(2026, 11, 26)
    assert is_orderable(late, thursday, jst("2026-11-26 23:58:59"))
    assert not is_orderable(late, thursday, jst("2026-11-26 23:59:00"))
    at_midnight = jst("2026-11-27 00:00")
    assert unorderable_reason(late, thursday, at_midnight) == "過去の日付は注文できません。"
    assert orderable_dates(late, at_midnight, count=1) == [date(2026, 11, 27)]
    # For the default shop: at 23:59 JST Wednesday is today (closed since Tuesday 14:00); at
    # 00:00 it is yesterday, whatever the server's own date is at that instant.
    wednesday = date(2026, 11, 25)
    assert local_today(jst("2026-11-25 23:59")) == wednesday
    assert local_today(jst("2026-11-26 00:00")) == date(2026, 11, 26)
    assert "締め切りました" in unorderable_reason(DEFAULT, wednesday, jst("2026-11-25 23:59"))
    assert unorderable_reason(DEFAULT, wednesday, jst("2026-11-26 00:00")) == (
        "過去の日付は注文できません。"
    )
    # 23:59 JST is still 'today' for the default shop: Friday is orderable until 14:00 Thursday.
    assert orderable_dates(DEFAULT, jst("2026-11-25 23:59"), count=1) == [date(2026, 11, 27)]


def test_friday_before_a_monday_holiday_skips_the_weekend_and_the_holiday():
    # 2027-01-11 is 成人の日 (second Monday of January).
    friday = jst("2027-01-08 10:00")
    assert orderable_dates(DEFAULT, friday, count=2) == [date(2027, 1, 12), date(2027, 1, 13)]
    reason = unorderable_reason(DEFAULT, date(2027, 1, 11), friday)
    assert reason == "2027年1月11日(月)は祝日（成人の日）のためお休みです。"
    assert unorderable_reason(DEFAULT, date(2027, 1, 9), friday) == (
        "2027年1月9日(土)は定休日（土曜日）です。"
    )
    # A shop open on holidays takes the Monday; its deadline is Sunday 14:00.
    opens = ShopRules(opens_on_holidays=True)
    assert orderable_dates(opens, friday, count=1) == [date(2027, 1, 11)]
    assert order_deadline(opens, date(2027, 1, 11)) == jst("2027-01-10 14:00")


def test_a_closed_day_is_skipped_and_named():
    closed = {date(2026, 11, 27)}
    now = jst("2026-11-25 09:00")
    assert orderable_dates(DEFAULT, now, closed, count=2) == [
        date(2026, 11, 26),
        date(2026, 11, 30),
    ]
    assert unorderable_reason(DEFAULT, date(2026, 11, 27), now, closed) == (
        "2026年11月27日(金)は店舗の休業日です。"
    )


def test_weekend_opening_follows_the_weekday_bits():
    saturdays_only = ShopRules(open_weekdays=1 << 5)
    assert orderable_dates(saturdays_only, jst("2026-11-25 09:00"), count=2) == [
        date(2026, 11, 28),
        date(2026, 12, 5),
    ]


def test_max_days_ahead_is_inclusive():
    now = jst("2026-11-25 09:00")
    assert is_orderable(DEFAULT, date(2026, 12, 9), now)  # 14 days ahead, a Wednesday
    assert unorderable_reason(DEFAULT, date(2026, 12, 10), now) == (
        "注文できるのは2026年12月9日(水)のお届け分までです。"
    )
    assert orderable_dates(DEFAULT, now, count=100)[-1] == date(2026, 12, 9)


@pytest.mark.parametrize("day", [date(2026, 12, 26), date(2027, 1, 11), date(9999, 12, 31)])
def test_too_far_ahead_is_said_before_the_weekday_or_holiday_is_looked_at(day):
    # A Saturday, 成人の日 and the last date there is: the holiday lookup works out the next
    # day, which overflowed for 9999-12-31 when it came first.
    assert unorderable_reason(DEFAULT, day, jst("2026-11-24 09:00")) == (
        "注文できるのは2026年12月8日(火)のお届け分までです。"
    )


def test_month_end_deadline_falls_in_the_previous_month():
    # Tuesday 2026-12-01 is ordered until Monday 2026-11-30 14:00.
    assert order_deadline(DEFAULT, date(2026, 12, 1)) == jst("2026-11-30 14:00")
    assert is_orderable(DEFAULT, date(2026, 12, 1), jst("2026-11-30 13:59:59"))
    assert not is_orderable(DEFAULT, date(2026, 12, 1), jst("2026-11-30 14:00"))


def test_year_end_holidays_and_new_year():
    # 2027-01-01 (元日) is a holiday; 2026-12-31 is an ordinary Thursday.
    now = jst("2026-12-30 13:59:59")
    assert orderable_dates(DEFAULT, now, count=2) == [date(2026, 12, 31), date(2027, 1, 4)]
    assert orderable_dates(DEFAULT, jst("2026-12-30 14:00"), count=1) == [date(2027, 1, 4)]
    # A shop that delivers on holidays takes New Year's Day, ordered on New Year's Eve.
    holidays_too = ShopRules(opens_on_holidays=True)
    assert order_deadline(holidays_too, date(2027, 1, 1)) == jst("2026-12-31 14:00")
    assert is_orderable(holidays_too, date(2027, 1, 1), jst("2026-12-31 13:59:59"))


def test_deadline_days_before_counts_calendar_days():
    two_days = ShopRules(order_deadline_days_before=2, order_deadline_time=time(17, 0))
    assert order_deadline(two_days, date(2026, 11, 30)) == jst("2026-11-28 17:00")


def test_add_months_crosses_the_year():
    assert add_months(date(2026, 12, 1), 1) == date(2027, 1, 1)
    assert add_months(date(2027, 1, 1), -1) == date(2026, 12, 1)
