"""`/admin/companies`: client companies and the shops that deliver to them."""

import sqlalchemy as sa
from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy.orm import selectinload

from obento.admin import bp
from obento.auth.decorators import role_required
from obento.extensions import db
from obento.forms import handle_form
from obento.forms.companies import CompanyForm
from obento.logs import log_fields
from obento.models import Company, Role, Shop
from obento.services import DomainError
from obento.services.companies import (
    create_company,
    delete_company,
    set_company_disabled,
    update_company,
)


def company_or_404(company_id: int) -> Company:
    company = db.session.get(Company, company_id)
    if company is None:
        abort(404)
    return company


def company_form(company: Company | None = None) -> CompanyForm:
    form = CompanyForm(obj=company)
    form.shop_ids.choices = [
        (shop.id, shop.name + ("" if shop.active else "（停止中）"))
        for shop in db.session.scalars(sa.select(Shop).order_by(Shop.name))
    ]
    if company is not None and not form.is_submitted():
        form.shop_ids.data = [shop.id for shop in company.shops]
    return form


@bp.get("/companies")
@role_required(Role.ADMIN)
def companies():
    """List the companies with the shops delivering to each."""
    rows = db.session.scalars(
        sa.select(Company).options(selectinload(Company.shops)).order_by(Company.name)
    )
    return render_template("admin/companies.html", companies=list(rows))


@bp.route("/companies/new", methods=["GET", "POST"])
@role_required(Role.ADMIN)
def companies_new():
    """Register a company."""
    return _company_form(None)


@bp.route("/companies/<int:company_id>", methods=["GET", "POST"])
@role_required(Role.ADMIN)
def companies_edit(company_id: int):
    """Edit a company and the shops that deliver to it."""
    return _company_form(company_or_404(company_id))


def _company_form(company: Company | None):
    form = company_form(company)

    def save():
        values = {key: getattr(form, key).data or "" for key in ("name", "tel", "fax", "address")}
        if company is None:
            saved = create_company(shop_ids=form.shop_ids.data, **values)
        else:
            saved = update_company(company, shop_ids=form.shop_ids.data, **values)
        current_app.logger.info(
            "company saved %s",
            log_fields({"id": saved.id, "name": saved.name, "by": current_user.username}),
        )
        return f"会社「{saved.name}」を保存しました。", url_for("admin.companies")

    return handle_form(form, save, "admin/company_form.html", company=company)


@bp.post("/companies/<int:company_id>/state")
@role_required(Role.ADMIN)
def companies_state(company_id: int):
    """Disable or enable (`disabled` = 1|0) or delete (`delete` = 1) a company."""
    company = company_or_404(company_id)
    if request.form.get("delete") == "1":
        try:
            delete_company(company)
        except DomainError as error:
            flash(error.message, "error")
            return redirect(url_for("admin.companies"), code=303)
        message = f"会社「{company.name}」を削除しました。"
    else:
        disabled = request.form.get("disabled") == "1"
        set_company_disabled(company, disabled)
        message = f"会社「{company.name}」を{'無効' if disabled else '有効'}にしました。"
    db.session.commit()
    flash(message, "success")
    return redirect(url_for("admin.companies"), code=303)
