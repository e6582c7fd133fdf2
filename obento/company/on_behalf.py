"""A manager orders or cancels for an employee of their own company (recorded as such)."""

import sqlalchemy as sa
from flask import abort, flash, redirect, render_template, url_for
from flask_login import current_user

from obento.auth.decorators import role_required
from obento.clock import utcnow
from obento.company import bp
from obento.extensions import db
from obento.models import Role, User
from obento.ordering.forms import CancelOrderForm, OrderForm, new_form_token
from obento.ordering.views import cancel_posted_order, cancelled_message, submit_order
from obento.services.order_board import cancelled_by_closing, order_board, upcoming_orders
from obento.services.orders import find_order


def employees():
    return db.session.scalars(
        sa.select(User)
        .where(
            User.company_id == current_user.company_id,
            User.role.in_((Role.STAFF, Role.MANAGER)),
            User.active,
        )
        .order_by(User.employee_code, User.name)
    ).all()


def employee_or_404(user_id: int) -> User:
    employee = db.session.scalar(
        sa.select(User).where(
            User.id == user_id,
            User.company_id == current_user.company_id,
            User.role.in_((Role.STAFF, Role.MANAGER)),
            User.active,
        )
    )
    if employee is None:
        abort(404)
    return employee


def render_employee(
    employee: User, form: OrderForm | None = None, status: int = 200, cancel_error: str = ""
):
    now = utcnow()
    return render_template(
        "company/on_behalf_employee.html",
        employee=employee,
        board=order_board(employee, now),
        # What the manager may cancel: the orders placed for this company.
        upcoming=upcoming_orders(employee, now, company_id=current_user.company_id),
        # The manager is the one the shop tells about a closing: its cancels are said here too.
        cancels=[
            (order, note)
            for order, note in cancelled_by_closing(employee, now)
            if order.company_id == current_user.company_id
        ],
        form=form,
        new_form_token=new_form_token,
        cancel_form=CancelOrderForm(formdata=None),
        cancel_error=cancel_error,
    ), status


@bp.get("/on-behalf")
@role_required(Role.MANAGER)
def on_behalf():
    """Pick the employee to order or cancel for."""
    return render_template("company/on_behalf.html", employees=employees())


@bp.get("/on-behalf/<int:user_id>")
@role_required(Role.MANAGER)
def on_behalf_employee(user_id: int):
    """Show an employee's orderable days and orders."""
    return render_employee(employee_or_404(user_id))


@bp.post("/on-behalf/<int:user_id>")
@role_required(Role.MANAGER)
def on_behalf_order(user_id: int):
    """Place an order for an employee, recorded with the manager as the one who placed it."""
    employee = employee_or_404(user_id)
    form, order, status = submit_order(employee, current_user, whose=f"{employee.name}さんの")
    if order is not None:
        return redirect(url_for("company.on_behalf_employee", user_id=employee.id), code=303)
    return render_employee(employee, form, status)


@bp.post("/on-behalf/orders/<int:order_id>/cancel")
@role_required(Role.MANAGER)
def on_behalf_cancel(order_id: int):
    """Cancel an order of an employee of the manager's company.

    Both the order (its company at ordering time) and the employee (now) must belong to the
    manager's company: someone who moved to another company is that company's business.
    """
    order = find_order(order_id, company_id=current_user.company_id)
    if order is None or order.user.company_id != current_user.company_id:
        abort(404)
    fee, error = cancel_posted_order(order, current_user)
    if error is not None:
        return render_employee(order.user, status=error.status, cancel_error=error.message)
    flash(f"{order.user.name}さんの" + cancelled_message(fee), "success")
    return redirect(url_for("company.on_behalf_employee", user_id=order.user_id), code=303)
