"""Shops, their rules and closed days through the administrator's forms."""

from datetime import date, time

import sqlalchemy as sa

from obento.extensions import db
from obento.models import Role, Shop, ShopClosedDay

RULES = {
    "order_deadline_days_before": "2",
    "order_deadline_time": "15:30",
    "cancel_deadline_time": "09:00",
    "cancel_fee": "250",
    "open_weekdays": ["0", "1", "2", "3", "4", "5"],
    "opens_on_holidays": "y",
    "max_days_ahead": "30",
}


def test_new_shop_form_shows_the_default_rules(client, login, make_user):
    login(make_user(role=Role.ADMIN).username)
    page = client.get("/admin/shops/new")
    assert page.status_code == 200
    assert 'value="14:00"' in page.text and 'value="10:30"' in page.text
    assert 'value="300"' in page.text


def test_admin_creates_and_edits_a_shop(client, login, make_user, submit):
    login(make_user(role=Role.ADMIN).username)
    response = submit(
        "/admin/shops/new",
        {
            "name": "新しい弁当屋",
            "tel": "03-1111-2222",
            "fax": "03-1111-3333",
            "email": "shop@example.jp",
            "address": "大阪",
            **RULES,
        },
    )
    assert response.status_code == 303
    shop = db.session.scalar(sa.select(Shop).where(Shop.name == "新しい弁当屋"))
    assert (shop.order_deadline_days_before, shop.order_deadline_time) == (2, time(15, 30))
    assert (shop.cancel_deadline_time, shop.cancel_fee) == (time(9, 0), 250)
    assert shop.open_weekdays == 0b0111111
    assert shop.opens_on_holidays is True and shop.max_days_ahead == 30

    response = submit(
        f"/admin/shops/{shop.id}",
        {"name": "改名した弁当屋", **RULES, "open_weekdays": ["0", "2"], "opens_on_holidays": ""},
    )
    assert response.status_code == 303
    db.session.refresh(shop)
    assert shop.name == "改名した弁当屋"
    assert shop.open_weekdays == 0b101 and shop.opens_on_holidays is False
    assert "改名した弁当屋" in client.get("/admin/shops").text

    assert submit(f"/admin/shops/{shop.id}/state", {"active": "0"}).status_code == 303
    db.session.refresh(shop)
    assert shop.active is False


def test_bad_rules_get_messages_and_write_nothing(client, login, make_user, make_shop, submit):
    login(make_user(role=Role.ADMIN).username)
    shop = make_shop(name="既存の店")
    response = submit(
        f"/admin/shops/{shop.id}",
        {
            "name": "既存の店",
            **RULES,
            "order_deadline_time": "25:99",
            "cancel_fee": "-1",
            "max_days_ahead": "abc",
            "order_deadline_days_before": "99",
        },
    )
    assert response.status_code == 422
    assert "時刻は「14:00」の形で入力してください。" in response.text
    assert "0円から100,000円までで入力してください。" in response.text
    assert "半角数字で入力してください。" in response.text
    assert "0から14までで入力してください。" in response.text
    response = submit(f"/admin/shops/{shop.id}", {"name": "既存の店", **RULES, "open_weekdays": []})
    assert response.status_code == 422
    assert "営業する曜日を1つ以上選んでください。" in response.text
    db.session.refresh(shop)
    assert (shop.order_deadline_time, shop.cancel_fee, shop.max_days_ahead) == (time(14), 300, 14)


def test_taken_shop_name_is_a_field_message(client, login, make_user, make_shop, submit):
    login(make_user(role=Role.ADMIN).username)
    make_shop(name="同名の店")
    response = submit("/admin/shops/new", {"name": "同名の店", **RULES})
    assert response.status_code == 422
    assert "この店舗名はすでに登録されています。" in response.text
    assert db.session.scalar(sa.select(sa.func.count(Shop.id)).where(Shop.name == "同名の店")) == 1


def test_admin_manages_any_shops_closed_days(client, login, make_user, make_shop, submit):
    login(make_user(role=Role.ADMIN).username)
    shop = make_shop()
    page = client.get(f"/admin/shops/{shop.id}/calendar?month=2026-11")
    assert page.status_code == 200
    assert "勤労感謝の日" in page.text
    response = submit(
        f"/admin/shops/{shop.id}/calendar", {"day": "2026-12-30", "reason": "年末休業"}
    )
    assert response.status_code == 303
    assert response.headers["Location"].endswith("month=2026-12")
    closed = db.session.scalar(sa.select(ShopClosedDay).where(ShopClosedDay.shop_id == shop.id))
    assert (closed.day, closed.reason) == (date(2026, 12, 30), "年末休業")
    assert "年末休業" in client.get(response.headers["Location"]).text
    response = submit(f"/admin/shops/{shop.id}/calendar/{closed.id}/delete")
    assert response.status_code == 303
    assert db.session.scalar(sa.select(ShopClosedDay.id)) is None
