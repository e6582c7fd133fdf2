"""User pages shared by the administrator (`/admin/users`, any user) and a company manager
(`/company/users`, the staff of their own company).

`scope` is None for the administrator and the manager's company otherwise; every lookup goes
through `user_or_404`, so another company's user id answers 404 and changes nothing.
"""

from dataclasses import dataclass

import sqlalchemy as sa
from flask import (
    abort,
    current_app,
    flash,
    make_response,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_login import current_user
from sqlalchemy.orm import joinedload

from obento.extensions import db
from obento.forms import add_domain_error, posted_switch
from obento.forms.users import DefaultMenuForm, ImportForm, PasswordResetForm, UserSearchForm
from obento.logs import log_fields
from obento.models import Company, Role, User
from obento.services import DomainError
from obento.services.user_import import decode_csv, import_users, preview_import
from obento.services.users import (
    create_user,
    favourite_choices,
    generate_password,
    reset_password,
    set_default_menu,
    set_user_active,
    update_user,
)

PAGE_SIZE = 50


@dataclass(frozen=True)
class UserLinks:
    prefix: str  # "admin" or "company"

    def url(self, name: str, **values) -> str:
        return url_for(f"{self.prefix}.users{'_' + name if name else ''}", **values)

    @property
    def noun(self) -> str:
        """What the pages call an account: a manager's are 社員, the administrator's ユーザー."""
        return "社員" if self.prefix == "company" else "ユーザー"


def edit_page_for(links: UserLinks, blank_form):
    """Return the edit-page renderer of a blueprint; `blank_form(obj=, formdata=)` builds its
    user form (without the request's data: the page may answer another form's POST)."""

    def edit_page(user: User, form=None, password_form=None, menu_form=None, status=200):
        if form is None:
            form = blank_form(obj=user, formdata=None)
            del form.password
        return render_template(
            "users/form.html",
            form=form,
            user=user,
            password_form=password_form or PasswordResetForm(formdata=None),
            menu_form=menu_form or default_menu_form(user),
            links=links,
        ), status

    return edit_page


def user_or_404(user_id: int, scope: Company | None) -> User:
    query = sa.select(User).where(User.id == user_id)
    if scope is not None:
        query = query.where(User.company_id == scope.id, User.role == Role.STAFF)
    user = db.session.scalar(query)
    if user is None:
        abort(404)
    return user


def list_page(scope: Company | None, links: UserLinks):
    """Render the user list with its search form, a page at a time."""
    form = UserSearchForm(request.args)
    form.validate()
    query = sa.select(User).order_by(User.username)
    if scope is not None:
        query = query.where(User.company_id == scope.id, User.role == Role.STAFF)
    if form.q.data and not form.q.errors:
        pattern = (
            "%" + form.q.data.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
        )
        query = query.where(sa.or_(User.username.ilike(pattern), User.name.ilike(pattern)))
    if form.role.data and not form.role.errors:
        query = query.where(User.role == form.role.data)
    page = request.args.get("page", "1")
    page = int(page) if page.isdigit() and 0 < int(page) < 100_000 else 1
    users = db.paginate(
        query.options(joinedload(User.company), joinedload(User.shop)),
        page=page,
        per_page=PAGE_SIZE,
        error_out=False,
    )
    return render_template("users/list.html", users=users, form=form, scope=scope, links=links)


def log_change(message: str, user: User) -> None:
    current_app.logger.info(
        "%s %s",
        message,
        log_fields({"user": user.username, "name": user.name, "by": current_user.username}),
    )


def show_password_once(user: User, password: str, links: UserLinks):
    """Answer the POST itself with the generated password: it is never stored or put in a cookie."""
    response = make_response(
        render_template("users/password_shown.html", users=[(user, password)], links=links)
    )
    response.headers["Cache-Control"] = "no-store"
    return response


def create_page(form, links: UserLinks, values):
    """Handle the new-user form; `values(form)` gives create_user's arguments but the password.

    Without a typed password one is generated and shown once.
    """
    if not form.validate_on_submit():
        status = 422 if form.is_submitted() else 200
        return render_template("users/form.html", form=form, user=None, links=links), status
    password = form.password.data or generate_password()
    try:
        user = create_user(password=password, **values(form))
    except DomainError as error:
        add_domain_error(form, error)
        return render_template("users/form.html", form=form, user=None, links=links), error.status
    db.session.commit()
    log_change("user created", user)
    if not form.password.data:
        return show_password_once(user, password, links)
    flash(f"{links.noun}「{user.username}」を登録しました。", "success")
    return redirect(links.url("edit", user_id=user.id), code=303)


def edit_action(user: User, form, links: UserLinks, values, edit_page):
    """Handle the edit form of `user`; `values(form)` gives update_user's arguments."""
    del form.password
    if not form.validate_on_submit():
        return edit_page(user, form=form, status=422 if form.is_submitted() else 200)
    try:
        update_user(user, actor=current_user, **values(form))
    except DomainError as error:
        add_domain_error(form, error)
        return edit_page(user, form=form, status=error.status)
    db.session.commit()
    log_change("user updated", user)
    flash(f"{links.noun}「{user.username}」を保存しました。", "success")
    return redirect(links.url("edit", user_id=user.id), code=303)


def reset_password_action(user: User, links: UserLinks, edit_page):
    form = PasswordResetForm()
    if not form.validate_on_submit():
        return edit_page(user, password_form=form, status=422)
    try:
        password = reset_password(user, form.password.data or None)
    except DomainError as error:
        add_domain_error(form, error)
        return edit_page(user, password_form=form, status=error.status)
    db.session.commit()
    log_change("password reset", user)
    if form.password.data:
        flash(f"{user.name}さんのパスワードを変更しました。", "success")
        return redirect(links.url("edit", user_id=user.id), code=303)
    return show_password_once(user, password, links)


def state_action(user: User, links: UserLinks):
    active = posted_switch()
    try:
        set_user_active(user, active, current_user)
    except DomainError as error:
        flash(error.message, "error")
        return redirect(links.url("edit", user_id=user.id), code=303)
    db.session.commit()
    log_change("user enabled" if active else "user disabled", user)
    flash(f"{user.name}さんを{'有効' if active else '無効'}にしました。", "success")
    return redirect(links.url("edit", user_id=user.id), code=303)


def default_menu_form(user: User, formdata=None) -> DefaultMenuForm:
    form = DefaultMenuForm(formdata=formdata, default_menu_id=user.default_menu_id)
    form.default_menu_id.choices = [("", "指定しない")] + [
        (menu.id, f"{menu.shop.name}: {menu.name}（{menu.price:,}円）")
        for menu in favourite_choices(user)
    ]
    return form


def default_menu_action(user: User, links: UserLinks, edit_page):
    form = default_menu_form(user, request.form)
    if form.validate_on_submit():
        try:
            set_default_menu(user, form.default_menu_id.data)
        except DomainError as error:
            add_domain_error(form, error)
            return edit_page(user, menu_form=form, status=error.status)
        db.session.commit()
        flash(f"{user.name}さんのお気に入りメニューを保存しました。", "success")
        return redirect(links.url("edit", user_id=user.id), code=303)
    return edit_page(user, menu_form=form, status=422)


def import_page(scope: Company | None, links: UserLinks):
    """Upload (preview) and confirm (import) a CSV of users; nothing is written on any error."""
    form = ImportForm()
    if not form.validate_on_submit():
        status = 422 if form.is_submitted() else 200
        return render_template(
            "users/import.html", form=form, preview=None, scope=scope, links=links
        ), status
    confirm = request.form.get("confirm") == "1"
    try:
        if confirm:
            text = form.csv_text.data or ""
        else:
            upload = form.file.data
            if upload is None or not getattr(upload, "filename", ""):
                raise DomainError("CSVファイルを選んでください。", field="file")
            text = decode_csv(upload.read())
        preview = (import_users if confirm else preview_import)(text, company=scope)
    except DomainError as error:
        db.session.rollback()  # all or nothing
        add_domain_error(form, error)
        return render_template(
            "users/import.html", form=form, preview=None, scope=scope, links=links
        ), error.status
    if confirm and preview.ok:
        db.session.commit()
        current_app.logger.info(
            "users imported %s",
            log_fields({"count": len(preview.lines), "by": current_user.username}),
        )
        created = [(line, line.password if line.generated else None) for line in preview.lines]
        response = make_response(
            render_template("users/import_done.html", created=created, links=links)
        )
        response.headers["Cache-Control"] = "no-store"
        return response
    form.csv_text.data = text
    status = 200 if preview.ok else 422
    return render_template(
        "users/import.html", form=form, preview=preview, scope=scope, links=links
    ), status
