"""Closing a day that already has orders: a shop's closed day or the administrator's holiday.

Lunches that will not be delivered must not stay ordered (billing would charge them), so the
day is closed and its live orders are cancelled without a fee in one transaction, each with
its `cancelled` event and order-log line. The person closing the day confirms it first:
without that confirmation a day with orders is not closed at all.

Orders placed while the day is being closed: `lock_order_writes` makes the closing wait for
every transaction that is writing orders and holds new writes back until it commits; the
placement's INSERT itself refuses a closed day (see services.orders), and a statement that
waited for the lock sees the committed closed day. So no order is left live on a closed day.

The pages that list a cancelled order say why a closing cancelled it (`closing_notes`).
"""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import ARRAY, distinct_on
from sqlalchemy.orm import joinedload

from obento.calendar import cancel_deadline, local_today
from obento.clock import utcnow
from obento.extensions import db
from obento.models import Company, Order, OrderAction, OrderEvent, OrderStatus, Shop, User
from obento.services import DomainError
from obento.services.audit import record_event

CONFIRM_FIELD = "cancel_orders"
CONFIRM_LABEL = "この日のご注文をキャンセル料なしでキャンセルする"
# Asked for as well when some of them are past their cancel deadline (the day is today).
LATE_CONFIRM_FIELD = "cancel_late_orders"
LATE_CONFIRM_LABEL = "キャンセル締切を過ぎたご注文もキャンセルする（お弁当はお届けしません）"

# What a closing keeps in the `cancelled` event's detail (see cancel_orders_of_closed_day).
CLOSING_REASON = OrderEvent.detail["reason"].astext
_WAIVER_REASON = OrderEvent.detail["waiver_reason"].astext
_WAIVED_FEE = OrderEvent.detail["waived_fee"].astext.cast(sa.Integer)


def lock_order_writes() -> None:
    """Wait for running order writes and hold new ones back until this transaction ends.

    EXCLUSIVE mode still lets every page read orders; it conflicts with itself, so two
    closings run one after the other.
    """
    db.session.execute(sa.text("LOCK TABLE orders IN EXCLUSIVE MODE"))


def _day_orders(day: date, shop: Shop | None, status: OrderStatus) -> sa.Select:
    """Orders delivered on `day` by `shop`, or by every shop that closes on holidays."""
    query = sa.select(Order).where(Order.delivery_date == day, Order.status == status)
    if shop is not None:
        return query.where(Order.shop_id == shop.id)
    return query.join(Shop, Shop.id == Order.shop_id).where(~Shop.opens_on_holidays)


def live_orders_by_company(day: date, *, shop: Shop | None = None) -> list[tuple[str, int]]:
    """Return (company name, live orders) on `day` (see _live_orders), by company name."""
    live = _day_orders(day, shop, OrderStatus.ORDERED).subquery()
    query = (
        sa.select(Company.name, sa.func.count())
        .join(live, live.c.company_id == Company.id)
        .group_by(Company.name)
        .order_by(Company.name)
    )
    return [(name, count) for name, count in db.session.execute(query)]


def _past_cancel_deadline(day: date, now: datetime, shop: Shop | None) -> list[tuple[str, int]]:
    """Return ("shop name HH:MM", live orders) for the shops whose orders on `day` are past
    their cancel deadline at `now`, by shop name: lunches that may already be made or
    delivered."""
    if day > local_today(now):  # a cancel deadline is on the delivery day
        return []
    live = _day_orders(day, shop, OrderStatus.ORDERED).subquery()
    rows = db.session.execute(
        sa.select(Shop.name, Shop.cancel_deadline_time, sa.func.count().label("orders"))
        .join(live, live.c.shop_id == Shop.id)
        .group_by(Shop.id)
        .order_by(Shop.name)
    )
    return [
        (f"{row.name} {row.cancel_deadline_time:%H:%M}", row.orders)
        for row in rows
        if now >= cancel_deadline(row, day)
    ]


def check_orders_confirmed(
    day: date,
    confirmed: bool,
    *,
    late_confirmed: bool = False,
    shop: Shop | None = None,
    now: datetime,
) -> None:
    """Refuse to close a day that has live orders unless their cancelling was confirmed;
    orders past their cancel deadline need a confirmation of their own, asked for with a
    warning that their lunches may already be made or delivered."""
    orders = live_orders_by_company(day, shop=shop)
    if not orders:
        return
    late = _past_cancel_deadline(day, now, shop)
    if confirmed and (late_confirmed or not late):
        return
    closed = "休業日" if shop else "休日"
    found = f"この日にはすでにご注文が{_counts(orders)}。"
    if not late:
        raise DomainError(
            f"{found}{closed}にするには、「{CONFIRM_LABEL}」にチェックを入れてください。",
            field=CONFIRM_FIELD,
            status=409,
        )
    raise DomainError(
        f"{found}このうち{sum(count for _, count in late)}件は、キャンセル締切"
        f"（{'、'.join(deadline for deadline, _ in late)}）を過ぎています。"
        "お弁当はすでに作られているか、お届け済みかもしれません。"
        f"お届けしないことを確かめたうえで{closed}にするには、「{CONFIRM_LABEL}」と"
        f"「{LATE_CONFIRM_LABEL}」の両方にチェックを入れてください。",
        field=LATE_CONFIRM_FIELD,
        status=409,
    )


@dataclass(frozen=True)
class Closing:
    """What closing a day did to its orders."""

    cancelled: list[tuple[str, int]]  # (company name, live orders cancelled)
    fees_waived: int  # orders cancelled earlier whose cancel fee was waived

    def __bool__(self) -> bool:
        return bool(self.cancelled or self.fees_waived)


def cancel_orders_of_closed_day(
    day: date, actor: User, reason: str, *, shop: Shop | None = None, now: datetime | None = None
) -> Closing:
    """Cancel the day's live orders without a fee, and waive the fees of orders cancelled
    earlier that day (no lunch is made on a closed day, so none is owed).

    `reason` is kept in each event and shown with the cancelled order.
    """
    now = now or utcnow()
    cancelled: dict[str, int] = {}
    live = _day_orders(day, shop, OrderStatus.ORDERED).options(joinedload(Order.company))
    for order in db.session.scalars(live.order_by(Order.id)):
        order.status = OrderStatus.CANCELLED
        order.cancel_fee = 0
        order.cancelled_at = now
        order.updated_at = now
        record_event(order, actor, OrderAction.CANCELLED, cancel_fee=0, reason=reason)
        cancelled[order.company.name] = cancelled.get(order.company.name, 0) + 1
    charged = _day_orders(day, shop, OrderStatus.CANCELLED).where(Order.cancel_fee > 0)
    waived = list(db.session.scalars(charged.order_by(Order.id)))
    for order in waived:
        fee, order.cancel_fee, order.updated_at = order.cancel_fee, 0, now
        record_event(
            order, actor, OrderAction.CANCELLED, cancel_fee=0, waived_fee=fee, waiver_reason=reason
        )
    db.session.flush()
    return Closing(sorted(cancelled.items()), len(waived))


def closing_message(closing: Closing) -> str:
    """The notice after closing a day that had orders."""
    parts = []
    if closing.cancelled:
        parts.append(
            f"この日のご注文{_counts(closing.cancelled, verb='をキャンセルしました')}。"
            "キャンセル料はかかりません。"
        )
    if closing.fees_waived:
        parts.append(
            f"すでにキャンセル料がかかっていたこの日のご注文{closing.fees_waived}件は、"
            "キャンセル料を取り消しました。"
        )
    if closing.cancelled:
        parts.append("各社の会社代表へご連絡ください。")
    return "".join(parts)


def _counts(orders: list[tuple[str, int]], verb: str = "あります") -> str:
    total = sum(count for _, count in orders)
    companies = "、".join(f"{name} {count}件" for name, count in orders)
    return f"{total}件{verb}（{companies}）"


@dataclass(frozen=True)
class ClosingNote:
    """Why a closing cancelled an order, or took back the fee of one cancelled earlier."""

    reason: str
    waived_fee: int = 0  # the fee taken back; 0 when the closing cancelled the order itself


def closing_notes(orders: Iterable) -> dict[int, ClosingNote]:
    """Return {order id: ClosingNote} for the cancelled ones of `orders` (anything with `id`
    and `is_cancelled`) whose last cancellation came from a closing, in one query."""
    ids = [order.id for order in orders if order.is_cancelled]
    if not ids:
        return {}
    notes = {}
    for order_id, reason, waiver_reason, waived_fee in db.session.execute(
        _LAST_CANCELLATIONS, {"ids": ids}
    ):
        if reason is not None:
            notes[order_id] = ClosingNote(reason)
        elif waiver_reason is not None:
            notes[order_id] = ClosingNote(waiver_reason, waived_fee or 0)
    return notes


# The last `cancelled` event of each order: the closing's, or a person's (without a reason).
# The ids ride in one array parameter, so the statement is the same for 1 order or 1,000.
_LAST_CANCELLATIONS = (
    sa.select(OrderEvent.order_id, CLOSING_REASON, _WAIVER_REASON, _WAIVED_FEE)
    .where(
        OrderEvent.order_id == sa.any_(sa.bindparam("ids", type_=ARRAY(sa.Integer))),
        OrderEvent.action == OrderAction.CANCELLED,
    )
    .ext(distinct_on(OrderEvent.order_id))
    .order_by(OrderEvent.order_id, OrderEvent.id.desc())
)
