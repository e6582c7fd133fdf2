"""A company's month: what each employee owes (給与天引き) and what each shop will invoice.

Aggregated in SQL, two queries whatever the number of orders. Cancelled orders count only
with their cancel fees.
"""

from dataclasses import dataclass
from datetime import date

import sqlalchemy as sa

from obento.extensions import db
from obento.models import Company, Order, OrderStatus, Shop, User
from obento.services.reports import UserRef


@dataclass
class BillingLine:
    """One employee's (or shop's) month: lunches, their price, cancel fees, the sum owed."""

    subject: UserRef | Shop | None
    lunches: int = 0
    amount: int = 0
    cancellations: int = 0
    cancel_fees: int = 0

    @property
    def total(self) -> int:
        return self.amount + self.cancel_fees


@dataclass
class Billing:
    employees: list[BillingLine]
    shops: list[BillingLine]

    @property
    def total(self) -> BillingLine:
        line = BillingLine(None)
        for shop in self.shops:
            line.lunches += shop.lunches
            line.amount += shop.amount
            line.cancellations += shop.cancellations
            line.cancel_fees += shop.cancel_fees
        return line


def monthly_billing(company: Company, first: date, last: date) -> Billing:
    """Return what each employee owes (給与天引き) and what each shop will invoice."""
    live = Order.status == OrderStatus.ORDERED
    cancelled = Order.status == OrderStatus.CANCELLED
    sums = (
        sa.func.coalesce(sa.func.sum(Order.quantity).filter(live), 0),
        sa.func.coalesce(sa.func.sum(Order.unit_price * Order.quantity).filter(live), 0),
        sa.func.count(Order.id).filter(cancelled),
        sa.func.coalesce(sa.func.sum(Order.cancel_fee).filter(cancelled), 0),
    )
    in_month = (Order.company_id == company.id, Order.delivery_date.between(first, last))
    employees = db.session.execute(
        sa.select(User.id, User.name, User.employee_code, *sums)
        .join(Order, Order.user_id == User.id)
        .where(*in_month)
        .group_by(User.id)
        .order_by(User.employee_code, User.name, User.id)
    ).all()
    shops = db.session.execute(
        sa.select(Shop, *sums)
        .join(Order, Order.shop_id == Shop.id)
        .where(*in_month)
        .group_by(Shop.id)
        .order_by(Shop.name)
    ).all()
    return Billing(
        employees=[BillingLine(UserRef(*row[:3]), *row[3:]) for row in employees],
        shops=[BillingLine(*row) for row in shops],
    )
