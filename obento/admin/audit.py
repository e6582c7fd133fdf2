"""`/admin/audit`: the order events, filtered by date, company, shop, user and action."""

from datetime import time, timedelta

import sqlalchemy as sa
from flask import render_template, request
from sqlalchemy.orm import joinedload
from wtforms import StringField
from wtforms.validators import Length, ValidationError

from obento.admin import bp
from obento.auth.decorators import role_required
from obento.calendar import local_instant
from obento.extensions import db
from obento.forms.base import FilterForm
from obento.forms.fields import ChoiceField, DayField, optional_id
from obento.models import Company, Order, OrderAction, OrderEvent, Role, Shop, User

PAGE_SIZE = 50
# The page's own words; the order-log keywords (services.audit.ACTION_LABELS) stay as they are,
# since operators and tests grep the log for them.
ACTION_LABELS = {
    OrderAction.PLACED: "注文完了",
    OrderAction.CHANGED: "注文変更",
    OrderAction.CANCELLED: "キャンセル",
    OrderAction.CHECKED: "確認済み",
    OrderAction.UNCHECKED: "未確認に戻す",
    OrderAction.IMPORTED: "移行",
}


class AuditFilterForm(FilterForm):
    date_from = DayField("開始日")
    date_to = DayField("終了日")
    company = ChoiceField("会社", coerce=optional_id)
    shop = ChoiceField("店舗", coerce=optional_id)
    user = StringField(
        "ユーザー（ユーザー名・氏名）",
        validators=[Length(max=100, message="100文字以内で入力してください。")],
    )
    action = ChoiceField(
        "操作", choices=[("", "すべて")] + [(a.value, ACTION_LABELS[a]) for a in OrderAction]
    )

    def validate_date_to(self, field):
        if field.data and self.date_from.data and field.data < self.date_from.data:
            raise ValidationError("終了日は開始日より後にしてください。")


def _filtered(form: AuditFilterForm):
    query = sa.select(OrderEvent).join(Order, Order.id == OrderEvent.order_id)
    if form.date_from.data:
        query = query.where(OrderEvent.at >= local_instant(form.date_from.data, time()))
    if form.date_to.data:
        next_day = form.date_to.data + timedelta(days=1)
        query = query.where(OrderEvent.at < local_instant(next_day, time()))
    if form.company.data:
        query = query.where(Order.company_id == form.company.data)
    if form.shop.data:
        query = query.where(Order.shop_id == form.shop.data)
    if form.user.data:
        text = form.user.data.strip().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        people = sa.select(User.id).where(
            sa.or_(User.username.ilike(f"%{text}%"), User.name.ilike(f"%{text}%"))
        )
        query = query.where(sa.or_(Order.user_id.in_(people), OrderEvent.actor_id.in_(people)))
    if form.action.data:
        query = query.where(OrderEvent.action == form.action.data)
    return query


@bp.get("/audit")
@role_required(Role.ADMIN)
def audit():
    """List order events, newest first, a page at a time (a fixed number of queries)."""
    form = AuditFilterForm(request.args)
    form.company.choices = [("", "すべて")] + [
        (c.id, c.name) for c in db.session.scalars(sa.select(Company).order_by(Company.name))
    ]
    form.shop.choices = [("", "すべて")] + [
        (s.id, s.name) for s in db.session.scalars(sa.select(Shop).order_by(Shop.name))
    ]
    if not form.validate():
        return render_template(
            "admin/audit.html", form=form, events=[], total=0, page=1, pages=1
        ), 422
    page = request.args.get("page", "1")
    page = int(page) if page.isdigit() and 0 < int(page) < 100_000 else 1
    query = _filtered(form)
    total = db.session.scalar(sa.select(sa.func.count()).select_from(query.subquery()))
    events = db.session.scalars(
        query.options(
            joinedload(OrderEvent.actor),
            joinedload(OrderEvent.order).joinedload(Order.user),
            joinedload(OrderEvent.order).joinedload(Order.company),
            joinedload(OrderEvent.order).joinedload(Order.shop),
            joinedload(OrderEvent.order).joinedload(Order.menu),
        )
        .order_by(OrderEvent.at.desc(), OrderEvent.id.desc())
        .limit(PAGE_SIZE)
        .offset((page - 1) * PAGE_SIZE)
    ).all()
    pages = max(1, -(-total // PAGE_SIZE))
    args = {key: value for key, value in request.args.items() if key != "page"}
    return render_template(
        "admin/audit.html",
        form=form,
        events=events,
        total=total,
        page=page,
        pages=pages,
        args=args,
        labels=ACTION_LABELS,
    )
