"""`/company/users`: a manager's staff accounts (own company, role staff only)."""

from flask import abort, flash, redirect, render_template, url_for
from flask_login import current_user

from obento.admin.user_pages import (
    UserLinks,
    default_menu_action,
    default_menu_form,
    import_page,
    list_page,
    log_change,
    reset_password_action,
    show_password_once,
    state_action,
    user_or_404,
)
from obento.auth.decorators import role_required
from obento.company import bp
from obento.extensions import db
from obento.forms import add_domain_error
from obento.forms.users import PasswordResetForm, StaffForm
from obento.models import Company, Role, User
from obento.services import DomainError
from obento.services.users import create_user, generate_password, update_user

LINKS = UserLinks("company")


def own_company() -> Company:
    company = db.session.get(Company, current_user.company_id)
    if company is None:
        abort(403)
    return company


def edit_page(user: User, form=None, password_form=None, menu_form=None, status=200):
    form = form or StaffForm(obj=user)
    if hasattr(form, "password"):
        del form.password
    return render_template(
        "users/form.html",
        form=form,
        user=user,
        password_form=password_form or PasswordResetForm(formdata=None),
        menu_form=menu_form or default_menu_form(user),
        links=LINKS,
    ), status


@bp.get("/users")
@role_required(Role.MANAGER)
def users():
    """List the company's staff."""
    return list_page(own_company(), LINKS)


@bp.route("/users/new", methods=["GET", "POST"])
@role_required(Role.MANAGER)
def users_new():
    """Create a staff account in the manager's company."""
    company = own_company()
    form = StaffForm()
    if form.validate_on_submit():
        password = form.password.data or generate_password()
        try:
            user = create_user(
                username=form.username.data,
                password=password,
                name=form.name.data,
                role=Role.STAFF,
                company=company,
                employee_code=form.employee_code.data or "",
            )
        except DomainError as error:
            add_domain_error(form, error)
            return render_template("users/form.html", form=form, user=None, links=LINKS), 422
        db.session.commit()
        log_change("user created", user)
        if not form.password.data:
            return show_password_once(user, password, LINKS)
        flash(f"ユーザー「{user.username}」を登録しました。", "success")
        return redirect(url_for("company.users_edit", user_id=user.id), code=303)
    status = 422 if form.is_submitted() else 200
    return render_template("users/form.html", form=form, user=None, links=LINKS), status


@bp.route("/users/<int:user_id>", methods=["GET", "POST"])
@role_required(Role.MANAGER)
def users_edit(user_id: int):
    """Edit a staff member's name, username and employee code."""
    company = own_company()
    user = user_or_404(user_id, company)
    form = StaffForm(obj=user)
    del form.password
    if form.validate_on_submit():
        try:
            update_user(
                user,
                username=form.username.data,
                name=form.name.data,
                role=Role.STAFF,
                company=company,
                employee_code=form.employee_code.data or "",
            )
        except DomainError as error:
            add_domain_error(form, error)
            return edit_page(user, form=form, status=error.status)
        db.session.commit()
        log_change("user updated", user)
        flash(f"ユーザー「{user.username}」を保存しました。", "success")
        return redirect(url_for("company.users_edit", user_id=user.id), code=303)
    return edit_page(user, form=form, status=422 if form.is_submitted() else 200)


@bp.post("/users/<int:user_id>/password")
@role_required(Role.MANAGER)
def users_password(user_id: int):
    """Reset a staff member's password; their logins end."""
    return reset_password_action(user_or_404(user_id, own_company()), LINKS, edit_page)


@bp.post("/users/<int:user_id>/state")
@role_required(Role.MANAGER)
def users_state(user_id: int):
    """Enable or disable a staff member; a disabled user's sessions end at once."""
    return state_action(user_or_404(user_id, own_company()), LINKS)


@bp.post("/users/<int:user_id>/default-menu")
@role_required(Role.MANAGER)
def users_default_menu(user_id: int):
    """Set a staff member's default menu."""
    return default_menu_action(user_or_404(user_id, own_company()), LINKS, edit_page)


@bp.route("/users/import", methods=["GET", "POST"])
@role_required(Role.MANAGER)
def users_import():
    """Import the company's staff from CSV: preview, then all lines or none."""
    return import_page(own_company(), LINKS)
