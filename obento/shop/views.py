"""The shop's pages: orders of a period, the check mark, CSV and the delivery sheet."""

import re
from dataclasses import dataclass
from datetime import date

import sqlalchemy as sa
from flask import flash, get_template_attribute, redirect, render_template, request, url_for
from flask_login import current_user

from obento.auth.decorators import role_required
from obento.calendar import local_today
from obento.clock import utcnow
from obento.csvutil import csv_response, excel_text, safe_cell
from obento.errors import refuse
from obento.extensions import db
from obento.filter_forms import DateForm, PeriodForm
from obento.fragment_cache import FragmentCache
from obento.models import Role, Shop
from obento.services import DomainError, reports
from obento.services.order_checks import MAX_ORDERS_PER_CHECK, check_orders
from obento.shop import bp
from obento.shop.forms import CheckForm

STATUS_LABELS = {"ordered": "注文済み", "cancelled": "キャンセル済み"}

# Rendered order rows and charts of the day list, per worker (see obento/fragment_cache.py).
LISTINGS = FragmentCache(max_bytes=4 * 2**20, max_item_bytes=1 * 2**20)


@dataclass(frozen=True)
class Listing:
    """What the day list shows of its orders, rendered: the same for every viewer."""

    rows: str  # Markup: the day blocks with their check boxes
    unchecked: str  # Markup: hidden inputs of the live orders not checked yet
    unchecked_count: int
    live: bool
    tally: reports.Tally
    checked: int
    remaining: int
    menu_lines: list[reports.MenuLine] | None  # over several days only
    company_groups: list[reports.OrderGroup] | None  # over several days only, by name


def listing(shop: Shop, first: date, last: date, with_shop: bool) -> Listing:
    """Return the rendered orders of the shop's day list, from the cache while they are
    unchanged (the digest of their columns, read from PostgreSQL, is part of the key)."""

    def key(digest: str | None) -> tuple:
        return (shop.id, first, last, with_shop, digest)

    def build():
        digest, days = reports.shop_orders_with_digest(shop, first, last)
        whole = reports.total(days)
        live = whole.live_orders
        unchecked = [order for order in live if not order.checked]
        macro = get_template_attribute("shop/_order_rows.html", "order_rows")
        inputs = get_template_attribute("shop/_order_rows.html", "unchecked_inputs")
        built = Listing(
            rows=macro(days, first, last, shop, with_shop, bool(live)),
            unchecked=inputs(unchecked),
            unchecked_count=len(unchecked),
            live=bool(live),
            tally=whole.tally,
            checked=whole.checked,
            remaining=whole.remaining,
            menu_lines=whole.menu_lines if len(days) > 1 else None,
            company_groups=sorted(
                reports.group_orders(whole.orders, lambda order: order.company),
                key=lambda group: group.key.name,
            )
            if len(days) > 1
            else None,
        )
        size = 2 * (len(built.rows) + len(built.unchecked))  # about; most text is Japanese
        return key(digest), built, size

    return LISTINGS.get_or_build(key(reports.shop_orders_digest(shop, first, last)), build)


def current_shop() -> Shop:
    """Return the shop the page is about: the user's own; for an admin the `shop` parameter.

    A shop user naming another shop gets 403; an admin naming an unknown shop gets 404.
    """
    requested = request.args.get("shop", "").strip()
    if requested and not re.fullmatch(r"[0-9]{1,9}", requested):
        refuse(400, "店舗の指定が正しくありません。")
    if current_user.role == Role.SHOP:
        if requested and int(requested) != current_user.shop_id:
            refuse(403, "ほかの店舗の注文は表示できません。")
        return current_user.shop
    query = sa.select(Shop).order_by(Shop.name).limit(1)
    if requested:
        query = sa.select(Shop).where(Shop.id == int(requested))
    shop = db.session.scalar(query)
    if shop is None:
        refuse(
            404, "指定された店舗が見つかりません。" if requested else "店舗が登録されていません。"
        )
    return shop


def list_args(shop: Shop, form: PeriodForm | DateForm) -> dict:
    """Return the query parameters that show the same list again (valid ones only)."""
    args = {} if form.errors else {name: value for name, value in form.data.items() if value}
    if current_user.role == Role.ADMIN:
        args["shop"] = shop.id
    return args


def bar_chart(chart: list[tuple[date, int]], last: date) -> str:
    """Return the 30-day chart drawn (Markup), reused while its numbers are the same."""
    key = ("chart", tuple(chart), last)

    def build():
        drawn = get_template_attribute("shop/_chart.html", "bar_chart")(chart, last)
        return key, drawn, 2 * len(drawn)

    return LISTINGS.get_or_build(key, build)


def render_list(shop: Shop, form: PeriodForm, check_form: CheckForm | None = None, status=200):
    today = local_today(utcnow())
    # The links (CSV, check forms) name the period shown, not "today" when they are followed.
    first, last = (None, None) if form.errors else form.period(today)
    context = {
        "shop": shop,
        "form": form,
        "check_form": check_form or CheckForm(formdata=None),
        "args": list_args(shop, form),
        "today": today,
        "max_check": MAX_ORDERS_PER_CHECK,
        "shops": db.session.scalars(sa.select(Shop).order_by(Shop.name)).all()
        if current_user.role == Role.ADMIN
        else [],
    }
    if form.errors:
        return render_template("shop/orders.html", **context), 400
    return render_template(
        "shop/orders.html",
        **context,
        first=first,
        last=last,
        listing=listing(shop, first, last, with_shop=bool(context["shops"])),
        chart=bar_chart(reports.daily_lunches(shop, last), last),
    ), status


@bp.get("/orders")
@role_required(Role.SHOP, Role.ADMIN)
def orders():
    """Show the shop's orders of a period with totals and check boxes."""
    form = PeriodForm()
    form.validate()
    return render_list(current_shop(), form)


@bp.post("/orders/check")
@role_required(Role.SHOP, Role.ADMIN)
def check():
    """Mark the chosen orders checked (checked=1) or not (checked=0)."""
    shop, period_form, form = current_shop(), PeriodForm(), CheckForm()
    period_form.validate()
    if not form.validate_on_submit():
        return render_list(shop, period_form, form, 422)
    try:
        result = check_orders(shop, form.order_id.data, form.checked.data == "1", current_user)
    except DomainError as error:
        if error.status == 404:
            refuse(404, error.message)
        form.order_id.errors = [error.message]
        return render_list(shop, period_form, form, error.status)
    db.session.commit()
    verb = "確認済みにしました" if form.checked.data == "1" else "未確認に戻しました"
    message = f"{len(result.changed)}件の注文を{verb}。"
    if result.unchanged:
        message += f"（{result.unchanged}件はすでにその状態でした）"
    if result.cancelled:
        message += f"（キャンセル済みの{result.cancelled}件は対象外です）"
    flash(message, "success")
    return redirect(url_for("shop.orders", **list_args(shop, period_form)), code=303)


@bp.get("/orders.csv")
@role_required(Role.SHOP, Role.ADMIN)
def orders_csv():
    """Download the orders of the period as CSV, one line per order."""
    shop, form = current_shop(), PeriodForm()
    if not form.validate():
        return render_list(shop, form)
    first, last = form.period(local_today(utcnow()))
    header = ["お届け日", "会社名", "会社電話番号", "社員番号", "氏名", "メニュー", "単価",
              "数量", "金額", "状態", "キャンセル料", "確認状況"]  # fmt: skip
    rows = [
        [
            order.delivery_date.isoformat(),
            safe_cell(order.company.name),
            excel_text(order.company.tel),
            excel_text(order.user.employee_code),
            safe_cell(order.user.name),
            safe_cell(order.menu.name),
            order.unit_price,
            order.quantity,
            0 if order.is_cancelled else order.unit_price * order.quantity,
            STATUS_LABELS[order.status],
            order.cancel_fee if order.is_cancelled else 0,
            "確認済み" if order.checked else "未確認",
        ]
        for day in reports.shop_orders(shop, first, last)
        for order in day.orders
    ]
    return csv_response(f"orders-{shop.id}-{first:%Y%m%d}-{last:%Y%m%d}.csv", header, rows)


@bp.get("/sheet")
@role_required(Role.SHOP, Role.ADMIN)
def sheet():
    """Show the printable delivery sheet of one day, one block per company."""
    shop, form = current_shop(), DateForm()
    if not form.validate():
        return render_template("shop/sheet.html", shop=shop, form=form), 400
    day = form.day(local_today(utcnow()))
    days = reports.shop_orders(shop, day, day, include_cancelled=False)
    return render_template(
        "shop/sheet.html",
        shop=shop,
        form=form,
        day=day,
        companies=days[0].subgroups if days else [],
        whole=reports.total(days),
    )
