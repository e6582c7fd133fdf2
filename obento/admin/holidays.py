"""`/admin/holidays`: the national holidays, and the days off the administrator adds."""

from datetime import date

from flask import abort, current_app, flash, redirect, render_template, url_for
from flask_login import current_user

from obento.admin import bp
from obento.auth.decorators import role_required
from obento.calendar import format_date, local_today
from obento.clock import utcnow
from obento.extensions import db
from obento.forms import add_domain_error
from obento.forms.shops import HolidayForm
from obento.logs import log_fields
from obento.models import Role
from obento.services import DomainError
from obento.services.closures import closing_message
from obento.services.holidays import add_holiday, holiday_lines, remove_holiday


def holidays_page(form: HolidayForm | None = None, status: int = 200):
    """Render this year's and next year's holidays with the form to add one."""
    today = local_today(utcnow())
    first, last = date(today.year, 1, 1), date(today.year + 1, 12, 31)
    return render_template(
        "admin/holidays.html",
        lines=holiday_lines(first, last),
        today=today,
        form=form or HolidayForm(),
    ), status


@bp.get("/holidays")
@role_required(Role.ADMIN)
def holidays():
    """List the holidays of this year and the next."""
    return holidays_page()


@bp.post("/holidays")
@role_required(Role.ADMIN)
def holidays_add():
    """Add a day off for every shop that closes on holidays."""
    form = HolidayForm()
    if not form.validate_on_submit():
        return holidays_page(form, 422)
    try:
        holiday, closing = add_holiday(
            form.day.data,
            form.name.data,
            current_user,
            cancel_orders=form.cancel_orders.data,
            cancel_late_orders=form.cancel_late_orders.data,
        )
    except DomainError as error:
        db.session.rollback()  # ends the closing's lock on orders before the page renders
        add_domain_error(form, error)
        return holidays_page(form, error.status)
    db.session.commit()
    current_app.logger.info(
        "holiday added %s",
        log_fields({"day": holiday.day, "name": holiday.name, "by": current_user.username}),
    )
    flash(f"{format_date(holiday.day)}を休日（{holiday.name}）にしました。", "success")
    if closing:
        flash(closing_message(closing), "warning")
    return redirect(url_for("admin.holidays"), code=303)


@bp.post("/holidays/<int:holiday_id>/delete")
@role_required(Role.ADMIN)
def holidays_remove(holiday_id: int):
    """Remove a day off the administrator added."""
    try:
        holiday = remove_holiday(holiday_id)
    except DomainError:
        abort(404)
    db.session.commit()
    current_app.logger.info(
        "holiday removed %s",
        log_fields({"day": holiday.day, "name": holiday.name, "by": current_user.username}),
    )
    flash(f"{format_date(holiday.day)}（{holiday.name}）の休日を削除しました。", "success")
    return redirect(url_for("admin.holidays"), code=303)
