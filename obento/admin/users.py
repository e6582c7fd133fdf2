"""`/admin/users`: users of every role, their passwords, default menus and the CSV import."""

import sqlalchemy as sa

from obento.admin import bp
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
from obento.extensions import db
from obento.forms.users import UserForm
from obento.models import Company, Role, Shop, User

LINKS = UserLinks("admin")


def user_form(obj: User | None = None, **kwargs) -> UserForm:
    form = UserForm(obj=obj, **kwargs)
    form.company_id.choices = [("", "なし")] + [
        (company.id, company.name)
        for company in db.session.scalars(sa.select(Company).order_by(Company.name))
    ]
    form.shop_id.choices = [("", "なし")] + [
        (shop.id, shop.name) for shop in db.session.scalars(sa.select(Shop).order_by(Shop.name))
    ]
    return form


def form_values(form: UserForm) -> dict:
    return {
        "username": form.username.data,
        "name": form.name.data,
        "role": form.role.data,
        "company": db.session.get(Company, form.company_id.data) if form.company_id.data else None,
        "shop": db.session.get(Shop, form.shop_id.data) if form.shop_id.data else None,
        "employee_code": form.employee_code.data or "",
    }


edit_page = edit_page_for(LINKS, user_form)


@bp.get("/users")
@role_required(Role.ADMIN)
def users():
    """List and search the users of every role."""
    return list_page(None, LINKS)


@bp.route("/users/new", methods=["GET", "POST"])
@role_required(Role.ADMIN)
def users_new():
    """Create a user of any role."""
    return create_page(user_form(), LINKS, form_values)


@bp.route("/users/<int:user_id>", methods=["GET", "POST"])
@role_required(Role.ADMIN)
def users_edit(user_id: int):
    """Edit a user's name, role and where they belong."""
    user = user_or_404(user_id, None)
    return edit_action(user, user_form(obj=user), LINKS, form_values, edit_page)


@bp.post("/users/<int:user_id>/password")
@role_required(Role.ADMIN)
def users_password(user_id: int):
    """Reset a user's password (typed, or generated and shown once); their logins end."""
    return reset_password_action(user_or_404(user_id, None), LINKS, edit_page)


@bp.post("/users/<int:user_id>/state")
@role_required(Role.ADMIN)
def users_state(user_id: int):
    """Enable or disable a user; a disabled user's sessions end at once."""
    return state_action(user_or_404(user_id, None), LINKS)


@bp.post("/users/<int:user_id>/default-menu")
@role_required(Role.ADMIN)
def users_default_menu(user_id: int):
    """Set a user's default menu."""
    return default_menu_action(user_or_404(user_id, None), LINKS, edit_page)


@bp.route("/users/import", methods=["GET", "POST"])
@role_required(Role.ADMIN)
def users_import():
    """Import users of any role from CSV: preview, then all lines or none."""
    return import_page(None, LINKS)
