"""`/company/users`: a manager's staff accounts (own company, role staff only)."""

from flask import abort
from flask_login import current_user

from obento.admin.user_pages import (
    UserLinks,
    create_page,
    default_menu_action,
    edit_action,
    edit_page_for,
    import_page,
    list_page,
    reset_password_action,
    state_action,
    user_or_404,
)
from obento.auth.decorators import role_required
from obento.company import bp
from obento.extensions import db
from obento.forms.users import StaffForm
from obento.models import Company, Role

LINKS = UserLinks("company")


def own_company() -> Company:
    company = db.session.get(Company, current_user.company_id)
    if company is None:
        abort(403)
    return company


def staff_values(form: StaffForm) -> dict:
    """Whatever the request holds, a manager's user is staff of the manager's company."""
    return {
        "username": form.username.data,
        "name": form.name.data,
        "role": Role.STAFF,
        "company": own_company(),
        "employee_code": form.employee_code.data or "",
    }


edit_page = edit_page_for(LINKS, StaffForm)


@bp.get("/users")
@role_required(Role.MANAGER)
def users():
    """List the company's staff."""
    return list_page(own_company(), LINKS)


@bp.route("/users/new", methods=["GET", "POST"])
@role_required(Role.MANAGER)
def users_new():
    """Create a staff account in the manager's company."""
    own_company()
    return create_page(StaffForm(), LINKS, staff_values)


@bp.route("/users/<int:user_id>", methods=["GET", "POST"])
@role_required(Role.MANAGER)
def users_edit(user_id: int):
    """Edit a staff member's name, username and employee code."""
    user = user_or_404(user_id, own_company())
    return edit_action(user, StaffForm(obj=user), LINKS, staff_values, edit_page)


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
