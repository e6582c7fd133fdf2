"""A company served by one shop with three menus, a staff member, and Tuesday morning."""

from dataclasses import dataclass
from pathlib import Path

import pytest
import sqlalchemy as sa

from obento.extensions import db
from obento.models import Company, Menu, Order, OrderEvent, Role, Shop, User
from tests.conftest import csrf_token


@dataclass
class World:
    shop: Shop
    company: Company
    staff: User
    karaage: Menu
    sake: Menu
    inactive: Menu


@pytest.fixture
def world(make_shop, make_company, make_menu, make_user, clock):
    # Tuesday 2026-11-24 09:00 JST: Wednesday 11-25 is still orderable until 14:00 today.
    clock.set_jst("2026-11-24 09:00")
    shop = make_shop(name="まごころ弁当")
    company = make_company(shops=[shop], name="さくら商事")
    karaage = make_menu(shop, name="唐揚げ弁当", price=600, allergens="小麦,卵", sort_order=1)
    sake = make_menu(shop, name="焼き鮭弁当", price=650, allergens="さけ", sort_order=2)
    inactive = make_menu(shop, name="販売終了弁当", price=500, active=False)
    staff = make_user(role=Role.STAFF, company=company, name="佐藤 花子")
    return World(shop, company, staff, karaage, sake, inactive)


def order_count(**where) -> int:
    query = sa.select(sa.func.count(Order.id))
    for name, value in where.items():
        query = query.where(getattr(Order, name) == value)
    return db.session.scalar(query)


def events_of(order: Order) -> list[OrderEvent]:
    return list(
        db.session.scalars(
            sa.select(OrderEvent).where(OrderEvent.order_id == order.id).order_by(OrderEvent.id)
        )
    )


def order_log(app) -> str:
    return "".join(
        path.read_text(encoding="utf-8")
        for path in sorted(Path(app.config["LOG_DIR"]).glob("order-*.log"))
    )


def order_data(page, **values) -> dict:
    data = {"csrf_token": csrf_token(page), **values}
    return {key: value for key, value in data.items() if value is not None}


def post_order(client, page, url: str = "/orders/", **values):
    """Send the order form of `page` with `values` (None leaves a field out)."""
    return client.post(url, data=order_data(page, **values))
