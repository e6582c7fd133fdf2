"""The one-tap page: the default menu, the next orderable date, one big button."""

from flask import flash, redirect, render_template, url_for
from flask_login import current_user

from obento import calendar
from obento.auth.decorators import role_required
from obento.clock import utcnow
from obento.ordering import quick_bp
from obento.ordering.forms import CancelOrderForm, OrderForm, new_form_token
from obento.ordering.views import ORDERING_ROLES, submit_order
from obento.services import DomainError
from obento.services.order_board import cancelled_by_closing, upcoming_orders
from obento.services.orders import next_orderable_dates, orderable_menu


def favourite_menu():
    """Return the user's default menu if it can still be ordered, else None."""
    if current_user.default_menu_id is None:
        return None
    try:
        return orderable_menu(current_user, current_user.default_menu_id)
    except DomainError:
        return None


def render_quick(menu, form: OrderForm | None = None, status: int = 200):
    now = utcnow()
    shop = menu.shop
    dates = next_orderable_dates(shop, now, 1)
    day = dates[0] if dates else None
    # The day offered may be after days already ordered (e.g. tomorrow's, tapped before its
    # deadline): those are listed, so that a second tap never comes as a surprise.
    upcoming = upcoming_orders(current_user, now)
    state = next((each for each in upcoming if each.order.delivery_date == day), None)
    return render_template(
        "ordering/quick.html",
        menu=menu,
        day=day,
        deadline=calendar.order_deadline(shop, day) if day else None,
        state=state,
        other_orders=[each for each in upcoming if each is not state],
        cancels=cancelled_by_closing(current_user, now),
        form=form,
        cancel_form=CancelOrderForm(formdata=None),
        form_token=new_form_token(),
    ), status


@quick_bp.get("/quick")
@role_required(*ORDERING_ROLES)
def quick():
    """Show the one-tap order button for the default menu and the next orderable date."""
    menu = favourite_menu()
    if menu is None:
        flash(
            "ワンタップ注文にはお気に入りのメニューが必要です。下の一覧から選んでください。",
            "info",
        )
        return redirect(url_for("ordering.index", _anchor="favorite"), code=303)
    return render_quick(menu)


@quick_bp.post("/quick")
@role_required(*ORDERING_ROLES)
def quick_order():
    """Order the default menu for the date shown on the one-tap page."""
    menu = favourite_menu()
    if menu is None:
        return redirect(url_for("quick.quick"), code=303)
    form, order, status = submit_order(current_user, current_user)
    if order is not None:
        return redirect(url_for("ordering.show", order_id=order.id), code=303)
    return render_quick(menu, form, status)
