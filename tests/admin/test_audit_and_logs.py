"""The audit page of order events and the log viewer."""

from datetime import UTC, datetime
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy import event

from obento.extensions import db
from obento.filter_forms import DATE_MESSAGE
from obento.models import OrderAction, Role
from obento.services.audit import record_event
from tests.conftest import jst


def _events(make_user, make_company, make_order, count, company=None, at="2026-11-20 09:00"):
    company = company or make_company()
    user = make_user(company=company, name="監査 対象")
    for _ in range(count):
        order = make_order(make_user(company=company))
        record_event(order, user, OrderAction.PLACED).at = jst(at)
    db.session.commit()
    return company


def _count_queries(client, path):
    statements = []

    def count(*args):
        statements.append(args[2])

    event.listen(db.engine, "before_cursor_execute", count)
    try:
        response = client.get(path)
    finally:
        event.remove(db.engine, "before_cursor_execute", count)
    return response, len(statements)


def test_audit_filters_by_company_action_and_date(
    client, login, make_user, make_company, make_order
):
    login(make_user(role=Role.ADMIN).username)
    mine = _events(make_user, make_company, make_order, 2)
    _events(make_user, make_company, make_order, 3, at="2026-11-22 09:00")
    page = client.get("/admin/audit")
    assert page.status_code == 200 and "5件" in page.text
    assert "注文完了" in page.text and "監査 対象" in page.text
    # The page's own action names; the order log keeps its keywords (注文取消, 確認取消).
    assert '<option value="cancelled">キャンセル</option>' in page.text
    assert '<option value="unchecked">未確認に戻す</option>' in page.text
    assert "注文取消" not in page.text and "確認取消" not in page.text
    assert "2件" in client.get("/admin/audit", query_string={"company": mine.id}).text
    assert "0件" in client.get("/admin/audit", query_string={"action": "cancelled"}).text
    dated = client.get(
        "/admin/audit", query_string={"date_from": "2026-11-21", "date_to": "2026-11-22"}
    )
    assert "3件" in dated.text
    assert (
        "2件" in client.get("/admin/audit", query_string={"user": "監査", "company": mine.id}).text
    )


def test_audit_uses_a_constant_number_of_queries(
    client, login, make_user, make_company, make_order
):
    login(make_user(role=Role.ADMIN).username)
    _events(make_user, make_company, make_order, 2)
    _, few = _count_queries(client, "/admin/audit")
    _events(make_user, make_company, make_order, 12)
    response, many = _count_queries(client, "/admin/audit")
    assert "14件" in response.text
    assert few == many


def test_bad_audit_filters_get_messages(client, login, make_user):
    login(make_user(role=Role.ADMIN).username)
    response = client.get("/admin/audit", query_string={"date_from": "2026-13-01", "shop": "x"})
    assert response.status_code == 422
    assert DATE_MESSAGE in response.text
    assert "一覧から選んでください。" in response.text
    for far in ({"date_to": "9999-12-31"}, {"date_from": "0001-01-01"}):
        response = client.get("/admin/audit", query_string=far)
        assert response.status_code == 422 and DATE_MESSAGE in response.text, far
    reversed_range = client.get(
        "/admin/audit", query_string={"date_from": "2026-11-22", "date_to": "2026-11-01"}
    )
    assert reversed_range.status_code == 422
    assert "終了日は開始日より後にしてください。" in reversed_range.text


def test_log_viewer_escapes_a_script_in_a_users_name(
    app, client, login, make_user, make_company, submit, clock
):
    clock.set(datetime.now(UTC))
    login(make_user(role=Role.ADMIN).username)
    submit(
        "/admin/users/new",
        {
            "username": "xss-user",
            "name": "<script>alert(1)</script>",
            "role": "staff",
            "company_id": str(make_company().id),
            "password": "password-xss",
        },
    )
    files = client.get("/admin/logs")
    assert files.status_code == 200 and "アプリケーションログ" in files.text
    name = next(
        p.name
        for p in sorted(Path(app.config["LOG_DIR"]).glob("app-*.log"))
        if "xss-user" in p.read_text(encoding="utf-8")
    )
    assert name in files.text
    page = client.get(f"/admin/logs/{name}")
    assert page.status_code == 200
    assert "name=&lt;script&gt;alert(1)&lt;/script&gt;" in page.text
    assert "<script>alert(1)</script>" not in page.text

    download = client.get(f"/admin/logs/{name}/download")
    assert download.status_code == 200
    assert "attachment" in download.headers["Content-Disposition"]
    assert download.headers["Content-Type"] == "text/plain; charset=utf-8"
    assert "name=<script>alert(1)</script>" in download.get_data(as_text=True)
    download.close()


def test_log_names_are_validated_strictly(client, login, make_user):
    login(make_user(role=Role.ADMIN).username)
    for name in (
        "..%2F..%2Fetc%2Fpasswd",
        "app-2026-11-25.txt",
        "secret.log",
        "app-2099-01-01.log",
        "..",
        "app-2026-11-25.log%00",
    ):
        assert client.get(f"/admin/logs/{name}").status_code == 404, name
        assert client.get(f"/admin/logs/{name}/download").status_code == 404, name
    assert client.get("/admin/logs/../../etc/passwd").status_code == 404


def test_only_the_administrator_sees_audit_and_logs(client, login, make_user):
    login(make_user(role=Role.MANAGER).username)
    assert client.get("/admin/audit").status_code == 403
    assert client.get("/admin/logs").status_code == 403
    assert db.session.scalar(sa.select(sa.literal(1))) == 1


def test_audit_details_are_in_words_without_the_form_token(
    client, login, make_user, make_order, make_menu
):
    login(make_user(role=Role.ADMIN).username)
    order = make_order(make_user(name="詳細 確認"))
    other = make_menu(order.shop, name="幕の内弁当", price=800)
    record_event(
        order, None, OrderAction.PLACED,
        delivery_date="2026-11-26", unit_price=600, form_token="secret-form-token",
    )  # fmt: skip
    record_event(
        order, None, OrderAction.CHANGED,
        from_menu=order.menu_id, to_menu=other.id, from_qty=1, to_qty=2,
    )  # fmt: skip
    record_event(order, None, OrderAction.CANCELLED, cancel_fee=300)
    db.session.commit()
    text = client.get("/admin/audit").text
    assert "お届け日: 2026年11月26日(木)" in text and "単価: 600円" in text
    assert f"メニュー: {order.menu.name} → 幕の内弁当" in text and "数量: 1 → 2" in text
    assert "キャンセル料: 300円" in text
    assert "secret-form-token" not in text and "form_token" not in text
    assert "unit_price" not in text


def test_the_pager_keeps_only_the_filters(client, login, make_user, make_company, make_order):
    """url_for's own arguments in the query string (_method, _external, _anchor) are dropped,
    not passed on (a BuildError 500, or links elsewhere)."""
    login(make_user(role=Role.ADMIN).username)
    _events(make_user, make_company, make_order, 51)
    page = client.get("/admin/audit?_method=POST&_anchor=x&_external=1&action=placed")
    assert page.status_code == 200
    assert 'href="/admin/audit?page=2&amp;action=placed"' in page.text
