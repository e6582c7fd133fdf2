"""`/account`: everyone changes their own password; staff and managers pick a default menu."""

from flask import current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user

from obento.account import bp
from obento.admin.user_pages import default_menu_form
from obento.auth.decorators import role_required
from obento.auth.views import LOGIN_THROTTLED, begin_login, start_password_attempt
from obento.errors import render_error
from obento.extensions import db
from obento.forms import add_domain_error
from obento.forms.users import OwnPasswordForm
from obento.logs import log_fields
from obento.models import Role
from obento.services import DomainError
from obento.services.throttle import finish_login_attempt
from obento.services.users import change_own_password, set_default_menu

EVERYONE = tuple(Role)


def _page(password_form=None, menu_form=None, status=200):
    has_menu = current_user.role in (Role.STAFF, Role.MANAGER)
    return render_template(
        "account/index.html",
        password_form=password_form or OwnPasswordForm(formdata=None),
        menu_form=(menu_form or default_menu_form(current_user)) if has_menu else None,
    ), status


@bp.get("")
@role_required(*EVERYONE)
def index():
    """Show the account page."""
    return _page()


@bp.post("/password")
@role_required(*EVERYONE)
def password():
    """Change one's own password; every login of this user ends, this browser logs in anew."""
    form = OwnPasswordForm()
    if not form.validate_on_submit():
        return _page(password_form=form, status=422)
    # A wrong current password counts like a failed login: a stolen cookie or an unlocked
    # phone must not be a way to try passwords without the login's limit.
    attempt = start_password_attempt(current_user.username, request.remote_addr or "-")
    if attempt is None:
        return render_error(429, LOGIN_THROTTLED)
    try:
        change_own_password(current_user, form.current_password.data, form.new_password.data)
    except DomainError as error:
        wrong_password = error.field == "current_password"
        finish_login_attempt(attempt, succeeded=not wrong_password)
        db.session.commit()  # keeps a failed attempt for throttling; nothing else was changed
        if wrong_password:
            current_app.logger.warning(
                "password change: wrong current password %s",
                log_fields({"user": current_user.username}),
            )
        add_domain_error(form, error)
        return _page(password_form=form, status=error.status)
    finish_login_attempt(attempt, succeeded=True)
    begin_login(current_user._get_current_object())  # a new cookie; copies of the old one end
    db.session.commit()
    current_app.logger.info("password changed %s", log_fields({"user": current_user.username}))
    flash("パスワードを変更しました。ほかの端末のログインは終了しました。", "success")
    return redirect(url_for("account.index"), code=303)


@bp.post("/default-menu")
@role_required(Role.STAFF, Role.MANAGER)
def default_menu():
    """Choose one's default menu among the menus of shops serving one's company."""
    form = default_menu_form(current_user, request.form)
    if not form.validate_on_submit():
        return _page(menu_form=form, status=422)
    try:
        set_default_menu(current_user, form.default_menu_id.data)
    except DomainError as error:
        add_domain_error(form, error)
        return _page(menu_form=form, status=error.status)
    db.session.commit()
    flash("お気に入りメニューを保存しました。", "success")
    return redirect(url_for("account.index"), code=303)
