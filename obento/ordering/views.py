from flask import abort, flash, redirect, render_template, url_for
from flask_login import current_user
from sqlalchemy.orm.attributes import set_committed_value

from obento import calendar
from obento.auth.decorators import role_required
from obento.clock import utcnow
from obento.extensions import db
from obento.filter_forms import MonthForm, neighbour_months
from obento.forms import add_domain_error
from obento.models import Menu, Role
from obento.ordering import bp
from obento.ordering.forms import (
    CancelOrderForm,
    ChangeOrderForm,
    FavoriteForm,
    OrderForm,
    new_form_token,
)
from obento.services import DomainError
from obento.services.closures import closing_notes
from obento.services.order_board import (
    active_menus,
    cancelled_by_closing,
    month_orders,
    order_board,
    order_state,
    serving_shops,
    upcoming_orders,
)
from obento.services.orders import (
    OrderExists,
    cancel_order,
    change_order,
    find_order,
    orderable_menu,
    place_order,
)

ORDERING_ROLES = (Role.STAFF, Role.MANAGER)


def submit_order(user, actor, whose: str = ""):
    """Validate the posted order form and place the order.

    Returns (form, order, status): the order placed or already there (a resubmission), or
    None with the form carrying the messages and the status to re-render with.
    """
    form = OrderForm()
    if not form.validate_on_submit():
        return form, None, 422
    try:
        order = place_order(
            user,
            delivery_date=form.delivery_date.data,
            menu_id=form.menu_id.data,
            quantity=form.quantity.data,
            actor=actor,
            form_token=form.form_token.data or None,
        )
    except OrderExists as exists:
        db.session.rollback()
        flash(exists.message, "info")
        return form, exists.order, 303
    except DomainError as error:
        db.session.rollback()
        add_domain_error(form, error)
        return form, None, error.status
    order_id = order.id
    placed = f"{calendar.format_date(order.delivery_date)}・{order.menu.name} {order.quantity}個"
    db.session.commit()
    # The redirect needs only the id: keep it loaded rather than reload the expired order.
    set_committed_value(order, "id", order_id)
    flash(f"{whose}ご注文（{placed}）を承りました。", "success")
    return form, order, 303


def cancel_posted_order(order, actor):
    """Cancel `order` for a POST with a valid CSRF token; return (fee, None) or (None, error)."""
    if not CancelOrderForm().validate_on_submit():
        abort(400)
    try:
        fee = cancel_order(order, actor)
    except DomainError as error:
        db.session.rollback()
        return None, error
    db.session.commit()
    return fee, None


def own_order_or_404(order_id: int):
    order = find_order(order_id, user=current_user)
    if order is None:
        abort(404)
    return order


def render_index(form: OrderForm | None = None, status: int = 200):
    now = utcnow()
    return render_template(
        "ordering/index.html",
        board=order_board(current_user, now),
        upcoming=upcoming_orders(current_user, now),
        cancels=cancelled_by_closing(current_user, now),
        form=form,
        new_form_token=new_form_token,
    ), status


@bp.get("/")
@role_required(*ORDERING_ROLES)
def index():
    """Show the coming orderable days with their menus, and the user's orders."""
    return render_index()


@bp.post("/")
@role_required(*ORDERING_ROLES)
def place():
    """Place an order and show it (Post/Redirect/Get)."""
    form, order, status = submit_order(current_user, current_user)
    if order is not None:
        return redirect(url_for("ordering.show", order_id=order.id), code=303)
    return render_index(form, status)


def change_choices(order) -> tuple[list[Menu], bool]:
    """Return the menus `order` may be changed to, and whether its own menu is no longer offered.

    Its own menu is always among them (first when no longer offered): its quantity may be
    changed until the deadline even after the menu, or the shop, stopped taking orders.
    """
    offered = []
    if order.shop in serving_shops(order.user):
        offered = active_menus([order.shop])[order.shop_id]
    if order.menu in offered:
        return offered, False
    return [order.menu, *offered], True


def render_order(order, change_form=None, cancel_form=None, status: int = 200):
    state = order_state(order, utcnow())
    if change_form is None:
        change_form = ChangeOrderForm(formdata=None, menu_id=order.menu_id, quantity=order.quantity)
    menus, menu_closed = change_choices(order) if state.can_change else ([], False)
    return render_template(
        "ordering/show.html",
        state=state,
        order=order,
        menus=menus,
        menu_closed=menu_closed,
        change_form=change_form,
        cancel_form=cancel_form or CancelOrderForm(formdata=None),
    ), status


@bp.get("/<int:order_id>")
@role_required(*ORDERING_ROLES)
def show(order_id: int):
    """Show one of the user's orders with its deadlines."""
    return render_order(own_order_or_404(order_id))


@bp.post("/<int:order_id>")
@role_required(*ORDERING_ROLES)
def change(order_id: int):
    """Change the menu or quantity of one of the user's orders."""
    order = own_order_or_404(order_id)
    form = ChangeOrderForm()
    status = 422
    if form.validate_on_submit():
        try:
            changed = change_order(
                order, current_user, menu_id=form.menu_id.data, quantity=form.quantity.data
            )
        except DomainError as error:
            db.session.rollback()
            add_domain_error(form, error)
            status = error.status
        else:
            db.session.commit()
            flash("ご注文を変更しました。" if changed else "変更はありませんでした。", "success")
            return redirect(url_for("ordering.show", order_id=order.id), code=303)
    return render_order(order, change_form=form, status=status)


@bp.post("/<int:order_id>/cancel")
@role_required(*ORDERING_ROLES)
def cancel(order_id: int):
    """Cancel one of the user's orders (with the shop's fee when late)."""
    order = own_order_or_404(order_id)
    fee, error = cancel_posted_order(order, current_user)
    if error is not None:
        form = CancelOrderForm(formdata=None)
        form.form_errors.append(error.message)
        return render_order(order, cancel_form=form, status=error.status)
    flash(cancelled_message(fee), "success")
    return redirect(url_for("ordering.show", order_id=order.id), code=303)


def cancelled_message(fee: int) -> str:
    if fee:
        return f"ご注文をキャンセルしました。キャンセル料{fee:,}円がかかります。"
    return "ご注文をキャンセルしました。"


@bp.post("/favorite")
@role_required(*ORDERING_ROLES)
def favorite():
    """Make a menu the user's お気に入り (the one-tap page orders it)."""
    form = FavoriteForm()
    try:
        if not form.validate_on_submit():
            raise DomainError(form.menu_id.errors[0])
        menu = orderable_menu(current_user, form.menu_id.data)
    except DomainError as error:
        flash(error.message, "error")
        return render_index(status=422)
    current_user.default_menu_id = menu.id
    db.session.commit()
    flash(f"「{menu.name}」をお気に入りにしました。ワンタップ注文で使えます。", "success")
    return redirect(url_for("quick.quick"), code=303)


@bp.get("/history")
@role_required(*ORDERING_ROLES)
def history():
    """Show the user's orders of a month and the month's total."""
    form = MonthForm()
    if not form.validate():
        return render_template("ordering/history.html", form=form), 400
    first, last = form.month_range(calendar.local_today(utcnow()))
    orders = month_orders(current_user, first, last)
    prev_month, next_month = neighbour_months(first)
    return render_template(
        "ordering/history.html",
        form=form,
        first=first,
        orders=orders,
        closings=closing_notes(orders),
        total=sum(order.amount for order in orders),
        prev_month=prev_month,
        next_month=next_month,
    )
