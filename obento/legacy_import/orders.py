"""Orders from the original database, each with an `imported` event."""

from datetime import date
from typing import TYPE_CHECKING

import sqlalchemy as sa

from obento.calendar import local_today
from obento.extensions import db
from obento.legacy_import.entities import link_companies_to_shops
from obento.legacy_import.source import BadRow, as_flag, as_id, as_int, parse_day, parse_jst, text
from obento.models import MAX_QUANTITY, Menu, Order, OrderAction, OrderEvent, OrderStatus, User

if TYPE_CHECKING:
    from obento.legacy_import.run import ImportRun


class OrderRows:
    """What converting one order row needs to look up, loaded once."""

    def __init__(self, run: "ImportRun"):
        self.run = run
        columns = run.source.columns("Orders")
        self.has_user_id = "user_id" in columns
        # The oldest files used `canceled` as the shop's check mark; later ones added
        # `checked` for that and use `canceled` for a cancelled order.
        self.check_column = "checked" if "checked" in columns else "canceled"
        self.cancel_column = "canceled" if "checked" in columns else None
        self.legacy_users: dict[str, object] = {}  # username -> user_id; the first one wins
        for row in run.rows["User"]:
            self.legacy_users.setdefault(text(row.get("username")), row.get("user_id"))
        self.user_companies = dict(db.session.execute(sa.select(User.id, User.company_id)).all())
        self.menu_shops = dict(db.session.execute(sa.select(Menu.id, Menu.shop_id)).all())
        # (user, day) -> order id of every live order: one per user and day.
        self.live: dict[tuple[int, date], str] = {
            (user_id, day): f"order {order_id} already in the database"
            for order_id, user_id, day in db.session.execute(
                sa.select(Order.id, Order.user_id, Order.delivery_date).where(
                    Order.status == OrderStatus.ORDERED
                )
            )
        }

    def convert(self, row: dict) -> dict:
        """The new order's columns, or BadRow."""
        run = self.run
        user_id = self._user(row)
        company_id = self._company(row, user_id)
        legacy_menu = as_id(row.get("menu_id"), "menu_id")
        menu_id = run.menus.get(legacy_menu)
        if menu_id is None or legacy_menu not in run.menu_prices:
            raise BadRow(f"its Menu {legacy_menu} was not imported")
        shop_id = self._shop(row, menu_id)
        quantity = as_int(row.get("amount"), "amount")
        if not 1 <= quantity <= MAX_QUANTITY:
            raise BadRow(f"amount {quantity} is outside 1..{MAX_QUANTITY}")
        created_at = parse_jst(row.get("created_at"), "created_at")
        if created_at is None:
            raise BadRow("created_at is empty")
        updated_at = parse_jst(row.get("updated_at"), "updated_at") or created_at
        delivery_date = parse_day(
            row.get("expected_delivery_date"), "expected_delivery_date"
        ) or local_today(created_at)
        cancelled = self.cancel_column is not None and as_flag(row.get(self.cancel_column))
        if not cancelled:
            key = (user_id, delivery_date)
            if key in self.live:
                raise BadRow(
                    f"the user already has an order for {delivery_date} ({self.live[key]})"
                )
            self.live[key] = f"Orders {text(row.get('order_id'))}"
        return {
            "user_id": user_id,
            "company_id": company_id,
            "shop_id": shop_id,
            "menu_id": menu_id,
            "delivery_date": delivery_date,
            "quantity": quantity,
            "unit_price": run.menu_prices[legacy_menu],
            "status": OrderStatus.CANCELLED if cancelled else OrderStatus.ORDERED,
            "cancel_fee": 0,  # the old application had no cancel fees
            "cancelled_at": updated_at if cancelled else None,
            "checked": as_flag(row.get(self.check_column)),
            "created_at": created_at,
            "updated_at": updated_at,
        }

    def _user(self, row: dict) -> int:
        if self.has_user_id and text(row.get("user_id")):
            legacy_user = as_id(row.get("user_id"), "user_id")
        else:
            username = text(row.get("username"))
            legacy_user = self.legacy_users.get(username)
            if legacy_user is None:
                raise BadRow(f"there is no User named {username!r}")
        user_id = self.run.users.get(text(legacy_user))
        if user_id is None:
            raise BadRow(f"its User {text(legacy_user)} was not imported")
        return user_id

    def _company(self, row: dict, user_id: int) -> int:
        if not text(row.get("company_id")):
            if self.user_companies.get(user_id) is None:
                raise BadRow("neither the order nor its user has a company")
            return self.user_companies[user_id]
        company_id = self.run.companies.get(as_id(row.get("company_id"), "company_id"))
        if company_id is None:
            raise BadRow(f"its Company {text(row.get('company_id'))} was not imported")
        return company_id

    def _shop(self, row: dict, menu_id: int) -> int:
        shop_name = text(row.get("shop_name"))
        if not shop_name:
            return self.menu_shops[menu_id]
        shop_id = self.run.shops.get(shop_name)
        if shop_id is None:
            raise BadRow(f"its shop {shop_name!r} was not imported")
        if shop_id != self.menu_shops[menu_id]:
            raise BadRow(f"its menu does not belong to the shop {shop_name!r}")
        return shop_id


def import_orders(run: "ImportRun") -> None:
    """Create the orders, an `imported` event for each, and the company-shop links they imply."""
    rows = OrderRows(run)
    new_rows = run.new_rows("Orders", "order_id", run.orders, lambda _, row: rows.convert(row))
    new_ids = run.insert("Orders", Order, run.orders, new_rows)
    if new_ids:
        db.session.execute(
            sa.insert(OrderEvent),
            [
                {
                    "order_id": new_ids[legacy_id],
                    "actor_id": None,
                    "action": OrderAction.IMPORTED,
                    "at": run.now,
                    "detail": {"source": run.source.name, "legacy_id": legacy_id},
                }
                for legacy_id, _ in new_rows
            ],
        )
    link_companies_to_shops(
        run, {(values["company_id"], values["shop_id"]) for _, values in new_rows}
    )
