"""`/admin/shops`: shops, their ordering rules and closed days."""

import sqlalchemy as sa
from flask import abort, flash, redirect, render_template, url_for
from sqlalchemy.orm import selectinload

from obento.admin import bp
from obento.auth.decorators import role_required
from obento.extensions import db
from obento.forms import handle_form, posted_switch
from obento.forms.shops import ShopForm
from obento.models import Role, Shop
from obento.services.shops import (
    DEFAULT_RULES,
    create_shop,
    orders_on_days_no_longer_open,
    set_shop_active,
    update_shop,
)
from obento.shop.manage import (
    Links,
    add_closed_day_action,
    calendar_page,
    remove_closed_day_action,
)


def shop_or_404(shop_id: int) -> Shop:
    shop = db.session.get(Shop, shop_id)
    if shop is None:
        abort(404)
    return shop


def calendar_links(shop: Shop) -> Links:
    return Links(
        calendar="admin.shops_calendar",
        calendar_remove="admin.shops_calendar_remove",
        args={"shop_id": shop.id},
    )


@bp.get("/shops")
@role_required(Role.ADMIN)
def shops():
    """List the shops with their rules and the companies they deliver to."""
    rows = db.session.scalars(
        sa.select(Shop).options(selectinload(Shop.companies)).order_by(Shop.name)
    )
    return render_template("admin/shops.html", shops=list(rows))


@bp.route("/shops/new", methods=["GET", "POST"])
@role_required(Role.ADMIN)
def shops_new():
    """Register a shop."""
    return _shop_form(None)


@bp.route("/shops/<int:shop_id>", methods=["GET", "POST"])
@role_required(Role.ADMIN)
def shops_edit(shop_id: int):
    """Edit a shop's details and ordering rules."""
    return _shop_form(shop_or_404(shop_id))


def _shop_form(shop: Shop | None):
    form = ShopForm(obj=shop) if shop is not None else ShopForm(obj=DEFAULT_RULES)

    def save():
        values = {"name": form.name.data, "rules": form.rules(), **form.contact()}
        if shop is None:
            saved, warning = create_shop(**values), None
        else:
            saved = update_shop(shop, **values)
            warning = orders_on_days_no_longer_open(saved)
        return f"店舗「{saved.name}」を保存しました。", url_for("admin.shops"), warning

    return handle_form(form, save, "admin/shop_form.html", shop=shop)


@bp.post("/shops/<int:shop_id>/state")
@role_required(Role.ADMIN)
def shops_state(shop_id: int):
    """Open (`active` = 1) or stop (0) a shop for ordering."""
    shop = shop_or_404(shop_id)
    active = posted_switch()
    set_shop_active(shop, active)
    db.session.commit()
    flash(f"店舗「{shop.name}」の受付を{'再開' if active else '停止'}しました。", "success")
    return redirect(url_for("admin.shops"), code=303)


@bp.get("/shops/<int:shop_id>/calendar")
@role_required(Role.ADMIN)
def shops_calendar(shop_id: int):
    """Show any shop's month calendar."""
    shop = shop_or_404(shop_id)
    return calendar_page(shop, calendar_links(shop))


@bp.post("/shops/<int:shop_id>/calendar")
@role_required(Role.ADMIN)
def shops_calendar_add(shop_id: int):
    """Add a closed day to any shop."""
    shop = shop_or_404(shop_id)
    return add_closed_day_action(shop, calendar_links(shop))


@bp.post("/shops/<int:shop_id>/calendar/<int:closed_day_id>/delete")
@role_required(Role.ADMIN)
def shops_calendar_remove(shop_id: int, closed_day_id: int):
    """Remove a closed day of any shop."""
    shop = shop_or_404(shop_id)
    return remove_closed_day_action(shop, calendar_links(shop), closed_day_id)
