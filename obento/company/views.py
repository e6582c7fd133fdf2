"""The company representative's pages: orders of a period, the FAX sheet, monthly billing."""

import sqlalchemy as sa
from flask import render_template
from flask_login import current_user

from obento.auth.decorators import role_required
from obento.calendar import local_today
from obento.clock import utcnow
from obento.company import bp
from obento.company.forms import SheetForm
from obento.csvutil import csv_response, excel_text, safe_cell
from obento.errors import refuse
from obento.extensions import db
from obento.filter_forms import MonthForm, PeriodForm
from obento.models import Company, Order, Role, Shop, company_shops
from obento.services import reports
from obento.services.billing import monthly_billing
from obento.services.closures import closing_notes


def shops_of(company: Company) -> list[Shop]:
    """Return the shops serving `company`, and any shop it has ordered from before."""
    return db.session.scalars(
        sa.select(Shop)
        .where(
            sa.or_(
                Shop.id.in_(
                    sa.select(company_shops.c.shop_id).where(
                        company_shops.c.company_id == company.id
                    )
                ),
                Shop.id.in_(sa.select(Order.shop_id).where(Order.company_id == company.id)),
            )
        )
        .order_by(Shop.name)
    ).all()


@bp.get("/orders")
@role_required(Role.MANAGER)
def orders():
    """Show the company's orders of a period, by shop and employee, with totals."""
    form, today = PeriodForm(), local_today(utcnow())
    if not form.validate():
        return render_template("company/orders.html", form=form, today=today), 400
    first, last = form.period(today)
    shops = reports.company_orders(current_user.company, first, last)
    whole = reports.total(shops)
    return render_template(
        "company/orders.html",
        form=form,
        today=today,
        first=first,
        last=last,
        shops=shops,
        whole=whole,
        closings=closing_notes(whole.orders),
    )


@bp.get("/sheet")
@role_required(Role.MANAGER)
def sheet():
    """Show the FAX order sheet (注文書) of one shop and delivery date, ready to print."""
    company, form, today = current_user.company, SheetForm(), local_today(utcnow())
    shops = shops_of(company)
    context = {"form": form, "shops": shops, "today": today, "company": company}
    if not form.validate():
        return render_template("company/sheet.html", **context), 400
    if form.shop.data:
        shop = next((shop for shop in shops if shop.id == int(form.shop.data)), None)
        if shop is None:
            refuse(404, "指定された店舗が見つかりません。")
    else:
        shop = shops[0] if len(shops) == 1 else None
    day = form.day(today)  # also shown in the date field while no shop is chosen
    sheet = reports.fax_sheet(company, shop, day) if shop else None
    return render_template("company/sheet.html", **context, shop=shop, sheet=sheet)


@bp.get("/billing")
@role_required(Role.MANAGER)
def billing():
    """Show the month's amounts per employee (給与天引き) and per shop."""
    form, today = MonthForm(), local_today(utcnow())
    if not form.validate():
        return render_template("company/billing.html", form=form), 400
    first, last = form.month_range(today)
    return render_template(
        "company/billing.html",
        form=form,
        first=first,
        billing=monthly_billing(current_user.company, first, last),
    )


@bp.get("/billing.csv")
@role_required(Role.MANAGER)
def billing_csv():
    """Download the month's amounts per employee as CSV for payroll."""
    form = MonthForm()
    if not form.validate():
        return render_template("company/billing.html", form=form), 400
    first, last = form.month_range(local_today(utcnow()))
    billing = monthly_billing(current_user.company, first, last)
    header = ["対象月", "社員番号", "氏名", "数量", "金額", "キャンセル件数", "キャンセル料",
              "給与天引き額"]  # fmt: skip
    rows = [
        [
            excel_text(f"{first:%Y-%m}"),
            excel_text(line.subject.employee_code),
            safe_cell(line.subject.name),
            line.lunches,
            line.amount,
            line.cancellations,
            line.cancel_fees,
            line.total,
        ]
        for line in billing.employees
    ]
    return csv_response(f"billing-{first:%Y-%m}.csv", header, rows)
