"""A shop's own settings, closed-day calendar and menus (`/shop/settings`, `/calendar`, `/menus`).

The page handlers take the shop and the endpoints to link to, so the administrator's shop
pages (obento/admin/shops.py, menus.py) reuse them for any shop.
"""

from dataclasses import dataclass, field

import sqlalchemy as sa
from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from obento.auth.decorators import role_required
from obento.calendar import format_date, local_today
from obento.clock import utcnow
from obento.extensions import db
from obento.filter_forms import MonthForm, neighbour_months
from obento.forms import add_domain_error, handle_form, posted_switch
from obento.forms.menus import MenuForm
from obento.forms.shops import ClosedDayForm, ShopRulesForm
from obento.models import Menu, Role, Shop
from obento.services import DomainError
from obento.services.closures import closing_message
from obento.services.menus import (
    create_menu,
    delete_menu,
    set_menu_active,
    shop_menus,
    update_menu,
)
from obento.services.shops import (
    add_closed_day,
    month_calendar,
    orders_on_days_no_longer_open,
    remove_closed_day,
    update_shop_rules,
)
from obento.shop import bp


@dataclass(frozen=True)
class Links:
    """Where a shared page links to: endpoint names plus the arguments they all need."""

    calendar: str = "shop.calendar"
    calendar_remove: str = "shop.calendar_remove"
    menus: str = "shop.menus"
    menu_new: str = "shop.menu_new"
    menu_edit: str = "shop.menu_edit"
    menu_state: str = "shop.menu_state"
    args: dict = field(default_factory=dict)
    filter_menus_by_shop: bool = False  # the administrator's list shows one shop's menus

    def url(self, name: str, **values) -> str:
        return url_for(getattr(self, name), **self.args, **values)

    def list_args(self, menu: Menu) -> dict:
        return {"shop": menu.shop_id} if self.filter_menus_by_shop else {}


SHOP_LINKS = Links()


def own_shop() -> Shop:
    shop = db.session.get(Shop, current_user.shop_id)
    if shop is None:
        abort(403)
    return shop


def calendar_page(shop: Shop, links: Links, form: ClosedDayForm | None = None, status=200):
    """Render the month calendar (`month=YYYY-MM`, default this month) with the closed-day form.

    A bad month shows this month, with the message beside the month field (400).
    """
    today, month_form = local_today(utcnow()), MonthForm()
    if month_form.validate():
        month, _ = month_form.month_range(today)
    else:
        month, status = today.replace(day=1), 400
    previous, following = neighbour_months(month)
    return render_template(
        "shop/calendar.html",
        shop=shop,
        links=links,
        month=month,
        today=today,
        month_form=month_form,
        previous=previous,
        following=following,
        weeks=month_calendar(shop, month.year, month.month),
        form=form or ClosedDayForm(),
    ), status


def add_closed_day_action(shop: Shop, links: Links):
    """Handle the closed-day form."""
    form = ClosedDayForm()
    if form.validate_on_submit():
        try:
            closed, closing = add_closed_day(
                shop,
                form.day.data,
                form.reason.data or "",
                current_user,
                cancel_orders=form.cancel_orders.data,
                cancel_late_orders=form.cancel_late_orders.data,
            )
        except DomainError as error:
            db.session.rollback()  # ends the closing's lock on orders before the page renders
            add_domain_error(form, error)
            return calendar_page(shop, links, form, error.status)
        db.session.commit()
        flash(f"{format_date(closed.day)}を休業日にしました。", "success")
        if closing:
            flash(closing_message(closing), "warning")
        return redirect(links.url("calendar", month=f"{closed.day:%Y-%m}"), code=303)
    return calendar_page(shop, links, form, 422)


def remove_closed_day_action(shop: Shop, links: Links, closed_day_id: int):
    try:
        day = remove_closed_day(shop, closed_day_id)
    except DomainError as error:
        if error.status == 404:
            abort(404)
        flash(error.message, "error")
        return redirect(links.url("calendar"), code=303)
    db.session.commit()
    flash(f"{format_date(day)}の休業日を解除しました。", "success")
    return redirect(links.url("calendar", month=f"{day:%Y-%m}"), code=303)


def menu_or_404(shop: Shop | None, menu_id: int) -> Menu:
    """Return the menu; with a shop, only one of that shop's (another shop's id is 404)."""
    query = sa.select(Menu).where(Menu.id == menu_id)
    if shop is not None:
        query = query.where(Menu.shop_id == shop.id)
    menu = db.session.scalar(query)
    if menu is None:
        abort(404)
    return menu


def menu_form_page(form: MenuForm, shop: Shop | None, menu: Menu | None, links: Links):
    """Run the menu form: create a menu at `shop`, or update `menu`; back to the list."""

    def save():
        if menu is not None:
            saved = update_menu(menu, **form.values())
        elif shop is None:
            raise DomainError("店舗を選んでください。", field="shop_id")
        else:
            saved = create_menu(shop, **form.values())
        return f"メニュー「{saved.name}」を保存しました。", links.url(
            "menus", **links.list_args(saved)
        )

    return handle_form(form, save, "shop/menu_form.html", shop=shop, menu=menu, links=links)


def menu_state_action(menu: Menu, links: Links):
    """Activate, deactivate (`active` = 1|0) or delete (`delete` = 1) a menu."""
    if request.form.get("delete") == "1":
        try:
            delete_menu(menu)
        except DomainError as error:
            flash(error.message, "error")
            return redirect(links.url("menus"), code=303)
        message = f"メニュー「{menu.name}」を削除しました。"
    else:
        active = posted_switch()
        set_menu_active(menu, active)
        message = f"メニュー「{menu.name}」の販売を{'再開' if active else '停止'}しました。"
    db.session.commit()
    flash(message, "success")
    return redirect(links.url("menus"), code=303)


# The shop's own pages -------------------------------------------------------------------


@bp.route("/settings", methods=["GET", "POST"])
@role_required(Role.SHOP)
def settings():
    """Edit the shop's deadlines, cancel fee and open days."""
    shop = own_shop()
    form = ShopRulesForm(obj=shop)

    def save():
        update_shop_rules(shop, form.rules())
        warning = orders_on_days_no_longer_open(shop)
        return "店舗の設定を保存しました。", url_for("shop.settings"), warning

    return handle_form(form, save, "shop/settings.html", shop=shop)


@bp.get("/calendar")
@role_required(Role.SHOP)
def calendar():
    """Show the shop's month calendar of open, holiday and closed days."""
    return calendar_page(own_shop(), SHOP_LINKS)


@bp.post("/calendar")
@role_required(Role.SHOP)
def calendar_add():
    """Add a closed day."""
    return add_closed_day_action(own_shop(), SHOP_LINKS)


@bp.post("/calendar/<int:closed_day_id>/delete")
@role_required(Role.SHOP)
def calendar_remove(closed_day_id: int):
    """Remove a closed day of the shop."""
    return remove_closed_day_action(own_shop(), SHOP_LINKS, closed_day_id)


@bp.get("/menus")
@role_required(Role.SHOP)
def menus():
    """List the shop's menus."""
    shop = own_shop()
    return render_template(
        "shop/menus.html", shop=shop, menus=shop_menus(shop.id), links=SHOP_LINKS
    )


@bp.route("/menus/new", methods=["GET", "POST"])
@role_required(Role.SHOP)
def menu_new():
    """Add a menu to the shop."""
    return menu_form_page(MenuForm(), own_shop(), None, SHOP_LINKS)


@bp.route("/menus/<int:menu_id>", methods=["GET", "POST"])
@role_required(Role.SHOP)
def menu_edit(menu_id: int):
    """Edit one of the shop's menus."""
    shop = own_shop()
    menu = menu_or_404(shop, menu_id)
    return menu_form_page(MenuForm(obj=menu), shop, menu, SHOP_LINKS)


@bp.post("/menus/<int:menu_id>/state")
@role_required(Role.SHOP)
def menu_state(menu_id: int):
    """Start or stop selling one of the shop's menus, or delete it."""
    shop = own_shop()
    return menu_state_action(menu_or_404(shop, menu_id), SHOP_LINKS)
