"""Shops, their ordering rules and their closed days."""

import calendar as month_grid
from dataclasses import dataclass
from datetime import date, time

import sqlalchemy as sa

from obento.calendar import closed_reason, format_date, holiday_name, local_today
from obento.clock import utcnow
from obento.extensions import db
from obento.models import MONDAY_TO_FRIDAY, Order, OrderStatus, Shop, ShopClosedDay, User
from obento.services import DomainError
from obento.services.closures import (
    Closing,
    cancel_orders_of_closed_day,
    check_orders_confirmed,
    lock_order_writes,
)
from obento.services.holidays import added_holidays
from obento.services.text import check_single_line, check_unique_name

NAME_MAX = 100
REASON_MAX = 200
MAX_CANCEL_FEE = 100_000
CONTACT_FIELDS = ("tel", "fax", "email", "address")


@dataclass(frozen=True)
class ShopRules:
    """The settings a shop edits itself (SPEC section 3)."""

    order_deadline_days_before: int
    order_deadline_time: time
    cancel_deadline_time: time
    cancel_fee: int
    open_weekdays: int
    opens_on_holidays: bool
    max_days_ahead: int


DEFAULT_RULES = ShopRules(
    order_deadline_days_before=1,
    order_deadline_time=time(14, 0),
    cancel_deadline_time=time(10, 30),
    cancel_fee=300,
    open_weekdays=MONDAY_TO_FRIDAY,
    opens_on_holidays=False,
    max_days_ahead=14,
)


def _check_name(name: str, except_id: int | None = None) -> str:
    return check_unique_name(Shop, name, "店舗名", NAME_MAX, except_id)


def _apply_rules(shop: Shop, rules: ShopRules) -> None:
    if not 0 <= rules.order_deadline_days_before <= 14:
        raise DomainError(
            "注文締切は0日前から14日前までで指定してください。", field="order_deadline_days_before"
        )
    if not 0 <= rules.cancel_fee <= MAX_CANCEL_FEE:
        raise DomainError(
            f"キャンセル料は0円から{MAX_CANCEL_FEE:,}円までです。", field="cancel_fee"
        )
    if not 1 <= rules.max_days_ahead <= 90:
        raise DomainError(
            "注文受付は1日先から90日先までで指定してください。", field="max_days_ahead"
        )
    if rules.open_weekdays == 0:
        raise DomainError("営業する曜日を1つ以上選んでください。", field="open_weekdays")
    # Free changes end at the order deadline, paid cancels at the cancel deadline (SPEC 4):
    # an order deadline after the cancel deadline would take orders nobody may cancel.
    if (
        rules.order_deadline_days_before == 0
        and rules.order_deadline_time > rules.cancel_deadline_time
    ):
        raise DomainError(
            "当日締切にする場合、注文締切の時刻はキャンセル締切"
            f"（{rules.cancel_deadline_time:%H:%M}）より後にはできません。",
            field="order_deadline_time",
        )
    if rules.order_deadline_days_before > rules.max_days_ahead:
        raise DomainError(
            f"注文締切が{rules.order_deadline_days_before}日前のため、"
            f"{rules.order_deadline_days_before}日先以上まで受け付けないと注文できる日がありません。",
            field="max_days_ahead",
        )
    if shop.opens_on_holidays and not rules.opens_on_holidays:
        # Closing on holidays closes the administrator's holidays too: wait for a holiday
        # being added (services.holidays), so that either its check counts this shop's
        # orders or orders_on_days_no_longer_open sees the holiday; never neither.
        lock_order_writes()
    for name, value in vars(rules).items():
        setattr(shop, name, value)


def create_shop(*, name: str, rules: ShopRules, **contact) -> Shop:
    """Register a shop with its contact details and ordering rules."""
    shop = Shop(
        name=_check_name(name), **{key: contact.get(key, "").strip() for key in CONTACT_FIELDS}
    )
    _apply_rules(shop, rules)
    db.session.add(shop)
    db.session.flush()
    return shop


def update_shop(shop: Shop, *, name: str, rules: ShopRules, **contact) -> Shop:
    """Change a shop's name, contact details and ordering rules."""
    shop.name = _check_name(name, except_id=shop.id)
    for key in CONTACT_FIELDS:
        setattr(shop, key, contact.get(key, "").strip())
    _apply_rules(shop, rules)
    db.session.flush()
    return shop


def update_shop_rules(shop: Shop, rules: ShopRules) -> Shop:
    """Change only the ordering rules (what a shop user may edit)."""
    _apply_rules(shop, rules)
    db.session.flush()
    return shop


def orders_on_days_no_longer_open(shop: Shop) -> str | None:
    """After the shop's rules changed: a notice naming the coming days that have live orders
    but are no longer open days (weekday or holiday rule), or None.

    The orders stay: the shop may still deliver them, or close those days in its calendar,
    which cancels them (services.closures).
    """
    rows = db.session.execute(
        sa.select(Order.delivery_date, sa.func.count())
        .where(
            Order.shop_id == shop.id,
            Order.status == OrderStatus.ORDERED,
            Order.delivery_date >= local_today(utcnow()),
        )
        .group_by(Order.delivery_date)
        .order_by(Order.delivery_date)
    ).all()
    if not rows:
        return None
    holidays = added_holidays(rows[0].delivery_date, rows[-1].delivery_date)
    days = [(day, count) for day, count in rows if closed_reason(shop, day, (), holidays)]
    if not days:
        return None
    listed = "、".join(f"{format_date(day)} {count}件" for day, count in days)
    return (
        f"お休みになった日にご注文が残っています（{listed}）。お届けしない日は、"
        "休業日カレンダーでその日を休業日にすると、ご注文をキャンセルできます。"
    )


def set_shop_active(shop: Shop, active: bool) -> None:
    """Open or close a shop for ordering; its history stays."""
    shop.active = active
    db.session.flush()


def add_closed_day(
    shop: Shop,
    day: date,
    reason: str,
    actor: User,
    *,
    cancel_orders: bool = False,
    cancel_late_orders: bool = False,
) -> tuple[ShopClosedDay, Closing]:
    """Mark a day closed at the shop; return it and what became of the day's orders.

    A day that has orders is closed only when `cancel_orders` confirms that they are to be
    cancelled without a fee, and `cancel_late_orders` those past their cancel deadline
    (services.closures).
    """
    reason = reason.strip()
    if len(reason) > REASON_MAX:
        raise DomainError(f"理由は{REASON_MAX}文字以内にしてください。", field="reason")
    check_single_line(reason, "理由", "reason")
    now = utcnow()
    if day < local_today(now):
        raise DomainError(
            "過ぎた日は休業日にできません。今日以降の日付を選んでください。", field="day"
        )
    # Checked under the lock, which serialises closings: a double-clicked form finds the day
    # its first submission closed, and gets this message rather than the unique constraint.
    lock_order_writes()
    taken = sa.select(ShopClosedDay.id).where(
        ShopClosedDay.shop_id == shop.id, ShopClosedDay.day == day
    )
    if db.session.scalar(taken) is not None:
        raise DomainError("この日はすでに休業日に登録されています。", field="day")
    check_orders_confirmed(
        day, cancel_orders, late_confirmed=cancel_late_orders, shop=shop, now=now
    )
    closed = ShopClosedDay(shop_id=shop.id, day=day, reason=reason)
    db.session.add(closed)
    db.session.flush()
    why = f"{shop.name}の休業日（{reason}）" if reason else f"{shop.name}の休業日"
    return closed, cancel_orders_of_closed_day(day, actor, why, shop=shop)


def remove_closed_day(shop: Shop, closed_day_id: int) -> date:
    """Open a closed day again; another shop's closed day is not found."""
    closed = db.session.scalar(
        sa.select(ShopClosedDay).where(
            ShopClosedDay.id == closed_day_id, ShopClosedDay.shop_id == shop.id
        )
    )
    if closed is None:
        raise DomainError("休業日が見つかりません。", status=404)
    if closed.day < local_today(utcnow()):  # it cannot be added again either
        raise DomainError("過ぎた日の休業日は解除できません。", status=409)
    day = closed.day
    db.session.delete(closed)
    db.session.flush()
    return day


@dataclass(frozen=True)
class CalendarDay:
    day: date
    open: bool
    holiday: str | None
    closed_id: int | None
    closed_reason: str

    @property
    def label(self) -> str:
        if self.closed_id is not None:
            return "休業日"
        if self.open:
            return "営業日"
        return "祝日休業" if self.holiday else "定休日"


def month_calendar(shop: Shop, year: int, month: int) -> list[list[CalendarDay | None]]:
    """Return the month as weeks (Monday first) of days with the shop's open/closed state."""
    first, last = date(year, month, 1), date(year, month, month_grid.monthrange(year, month)[1])
    closed = {
        row.day: row
        for row in db.session.scalars(
            sa.select(ShopClosedDay).where(
                ShopClosedDay.shop_id == shop.id, ShopClosedDay.day.between(first, last)
            )
        )
    }
    added = added_holidays(first, last)
    weeks = []
    for week in month_grid.Calendar(firstweekday=0).monthdatescalendar(year, month):
        row = []
        for day in week:
            if day.month != month:
                row.append(None)
                continue
            holiday = holiday_name(day, added)
            closed_day = closed.get(day)
            is_open = shop.is_open_on_weekday(day.weekday()) and (
                holiday is None or shop.opens_on_holidays
            )
            row.append(
                CalendarDay(
                    day=day,
                    open=is_open and closed_day is None,
                    holiday=holiday,
                    closed_id=closed_day.id if closed_day else None,
                    closed_reason=closed_day.reason if closed_day else "",
                )
            )
        weeks.append(row)
    return weeks
