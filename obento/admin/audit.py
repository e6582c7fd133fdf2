"""`/admin/audit`: the order events, filtered by date, company, shop, user and action."""

from datetime import date, time, timedelta

import sqlalchemy as sa
from flask import render_template, request
from sqlalchemy.orm import joinedload
from wtforms import StringField
from wtforms.validators import Length, ValidationError

from obento.admin import bp
from obento.auth.decorators import role_required
from obento.calendar import format_date, local_instant
from obento.extensions import db
from obento.forms.base import FilterForm
from obento.forms.fields import ChoiceField, DayField, optional_id
from obento.models import Company, Menu, Order, OrderAction, OrderEvent, Role, Shop, User
from obento.services.text import format_yen

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


def event_details(events: list[OrderEvent]) -> dict[int, list[str]]:
    """Each event's detail in words (お届け日: …, 数量: 1 → 2), by event id.

    Menu ids of a change are named with one query for the page. The form token only serves
    to recognise a resubmitted form and is left out.
    """
    menu_ids = {
        value
        for event in events
        for key, value in event.detail.items()
        if key in ("from_menu", "to_menu") and isinstance(value, int)
    }
    menus = {
        row.id: row.name
        for row in (
            db.session.execute(sa.select(Menu.id, Menu.name).where(Menu.id.in_(menu_ids)))
            if menu_ids
            else ()
        )
    }
    return {event.id: _detail_lines(event.detail, menus) for event in events}


def _detail_lines(detail: dict, menus: dict[int, str]) -> list[str]:
    lines = []
    if "delivery_date" in detail:
        lines.append(f"お届け日: {_day(detail['delivery_date'])}")
    if "unit_price" in detail:
        lines.append(f"単価: {_yen(detail['unit_price'])}")
    if "from_menu" in detail or "to_menu" in detail:
        before, after = (menus.get(detail.get(key), "不明") for key in ("from_menu", "to_menu"))
        lines.append(f"メニュー: {before} → {after}" if before != after else f"メニュー: {after}")
    if "from_qty" in detail or "to_qty" in detail:
        lines.append(f"数量: {detail.get('from_qty')} → {detail.get('to_qty')}")
    if "menu" in detail:
        lines.append(f"メニュー: {detail['menu']}")
    if "quantity" in detail:
        lines.append(f"数量: {detail['quantity']}")
    if "cancel_fee" in detail:
        lines.append(f"キャンセル料: {_yen(detail['cancel_fee'])}")
    if "reason" in detail:
        lines.append(f"理由: {detail['reason']}")
    if "waived_fee" in detail:
        lines.append(f"取り消したキャンセル料: {_yen(detail['waived_fee'])}")
    if "waiver_reason" in detail:
        lines.append(f"取り消しの理由: {detail['waiver_reason']}")
    if "on_behalf_of" in detail:
        lines.append("代理注文")
    if detail.get("demo"):
        lines.append("デモデータ")
    if "source" in detail:
        lines.append(f"移行元: {detail['source']}（旧ID {detail.get('legacy_id')}）")
    known = {*_DETAIL_KEYS, "form_token"}
    lines += [f"{key}: {value}" for key, value in detail.items() if key not in known]
    return lines


_DETAIL_KEYS = (
    "delivery_date", "unit_price", "from_menu", "to_menu", "from_qty", "to_qty", "menu",
    "quantity", "cancel_fee", "reason", "waived_fee", "waiver_reason",
    "on_behalf_of", "demo", "source", "legacy_id",
)  # fmt: skip


def _day(text) -> str:
    try:
        return format_date(date.fromisoformat(text))
    except (TypeError, ValueError):
        return str(text)


def _yen(value) -> str:
    return format_yen(value) if isinstance(value, int) else str(value)


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
    # The pager keeps the filter's own fields only (url_for takes _external, _anchor...).
    args = {name: request.args[name] for name in form.data if request.args.get(name)}
    return render_template(
        "admin/audit.html",
        form=form,
        events=events,
        details=event_details(events),
        total=total,
        page=page,
        pages=pages,
        args=args,
        labels=ACTION_LABELS,
    )
