"""`/admin/menus`: the menus of every shop (the shop's own page is obento/shop/manage.py)."""

import sqlalchemy as sa
from flask import render_template, request
from sqlalchemy.orm import joinedload

from obento.admin import bp
from obento.auth.decorators import role_required
from obento.errors import refuse
from obento.extensions import db
from obento.forms.fields import optional_id
from obento.forms.menus import AdminMenuForm, MenuForm
from obento.models import Menu, Role, Shop
from obento.shop.manage import Links, menu_form_page, menu_or_404, menu_state_action

LINKS = Links(
    menus="admin.menus",
    menu_new="admin.menus_new",
    menu_edit="admin.menus_edit",
    menu_state="admin.menus_state",
    filter_menus_by_shop=True,
)


def _shops() -> list[Shop]:
    return list(db.session.scalars(sa.select(Shop).order_by(Shop.name)))


def _shop_filter() -> int | None:
    try:
        return optional_id(request.args.get("shop"))
    except ValueError:
        return None


@bp.get("/menus")
@role_required(Role.ADMIN)
def menus():
    """List the menus of all shops, or of one (`?shop=<id>`)."""
    shop_id, shops = _shop_filter(), _shops()
    if shop_id is not None and shop_id not in {shop.id for shop in shops}:
        refuse(404, "指定された店舗が見つかりません。")
    query = sa.select(Menu).options(joinedload(Menu.shop)).join(Menu.shop)
    if shop_id is not None:
        query = query.where(Menu.shop_id == shop_id)
    rows = db.session.scalars(query.order_by(Shop.name, Menu.sort_order, Menu.name))
    return render_template(
        "admin/menus.html",
        menus=list(rows),
        shop=None,
        shops=shops,
        shop_id=shop_id,
        links=LINKS,
    )


@bp.route("/menus/new", methods=["GET", "POST"])
@role_required(Role.ADMIN)
def menus_new():
    """Add a menu to any shop."""
    form = AdminMenuForm(shop_id=_shop_filter())
    form.shop_id.choices = [("", "選んでください")] + [(shop.id, shop.name) for shop in _shops()]
    shop = db.session.get(Shop, form.shop_id.data) if form.shop_id.data else None
    return menu_form_page(form, shop, None, LINKS)


@bp.route("/menus/<int:menu_id>", methods=["GET", "POST"])
@role_required(Role.ADMIN)
def menus_edit(menu_id: int):
    """Edit any shop's menu."""
    menu = menu_or_404(None, menu_id)
    return menu_form_page(MenuForm(obj=menu), menu.shop, menu, LINKS)


@bp.post("/menus/<int:menu_id>/state")
@role_required(Role.ADMIN)
def menus_state(menu_id: int):
    """Start or stop selling any menu, or delete one that was never ordered."""
    return menu_state_action(menu_or_404(None, menu_id), LINKS)
