"""A shop's menus. Orders keep their own unit price, so editing a price never rewrites history."""

import sqlalchemy as sa

from obento.extensions import db
from obento.models import Menu, Order, Shop
from obento.services import DomainError
from obento.services.text import check_unique_name

NAME_MAX = 100
DESCRIPTION_MAX = 500
ALLERGENS_MAX = 200
MAX_PRICE = 100_000


def _check(shop_id: int, name: str, price, except_id: int | None = None) -> str:
    if price is None or not 0 <= price <= MAX_PRICE:
        raise DomainError(f"価格は0円から{MAX_PRICE:,}円までで入力してください。", field="price")
    return check_unique_name(
        Menu,
        name,
        "メニュー名",
        NAME_MAX,
        except_id,
        scope=(Menu.shop_id == shop_id,),
        taken="同じ名前のメニューがこの店舗にすでにあります。",
    )


def _texts(description: str, allergens: str) -> tuple[str, str]:
    if len(description.strip()) > DESCRIPTION_MAX:
        raise DomainError(f"説明は{DESCRIPTION_MAX}文字以内にしてください。", field="description")
    if len(allergens.strip()) > ALLERGENS_MAX:
        raise DomainError(f"アレルゲンは{ALLERGENS_MAX}文字以内にしてください。", field="allergens")
    return description.strip(), allergens.strip()


def create_menu(
    shop: Shop, *, name: str, price: int, description="", allergens="", sort_order=0
) -> Menu:
    """Add a menu to a shop."""
    name = _check(shop.id, name, price)
    description, allergens = _texts(description, allergens)
    menu = Menu(
        shop_id=shop.id,
        name=name,
        price=price,
        description=description,
        allergens=allergens,
        sort_order=sort_order or 0,
    )
    db.session.add(menu)
    db.session.flush()
    return menu


def update_menu(
    menu: Menu, *, name: str, price: int, description="", allergens="", sort_order=0
) -> Menu:
    """Change a menu; orders already placed keep the price they were placed at."""
    menu.name = _check(menu.shop_id, name, price, except_id=menu.id)
    menu.description, menu.allergens = _texts(description, allergens)
    menu.price = price
    menu.sort_order = sort_order or 0
    db.session.flush()
    return menu


def set_menu_active(menu: Menu, active: bool) -> None:
    """Put a menu on sale or take it off; its orders stay as they are."""
    menu.active = active
    db.session.flush()


def delete_menu(menu: Menu) -> None:
    """Delete a menu that was never ordered; otherwise refuse (deactivate it instead)."""
    if db.session.scalar(sa.select(Order.id).where(Order.menu_id == menu.id)) is not None:
        raise DomainError(
            "注文のあるメニューは削除できません。代わりに販売を停止してください。", status=409
        )
    db.session.delete(menu)
    db.session.flush()


def shop_menus(shop_id: int) -> list[Menu]:
    """Return every menu of a shop in display order."""
    return list(
        db.session.scalars(
            sa.select(Menu).where(Menu.shop_id == shop_id).order_by(Menu.sort_order, Menu.name)
        )
    )
