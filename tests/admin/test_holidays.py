"""`/admin/holidays`: the national holidays listed, days off added and removed."""

from datetime import date

import pytest
import sqlalchemy as sa

from obento.extensions import db
from obento.filter_forms import DATE_MESSAGE
from obento.models import Holiday, Role


@pytest.fixture
def admin(client, login, make_user, clock):
    clock.set_jst("2026-11-24 09:00")
    user = make_user(role=Role.ADMIN)
    login(user.username)
    return user


def _holidays() -> list[tuple[date, str]]:
    return db.session.execute(sa.select(Holiday.day, Holiday.name).order_by(Holiday.day)).all()


def test_the_page_lists_this_and_next_years_national_holidays(client, admin):
    page = client.get("/admin/holidays")
    assert page.status_code == 200
    assert "2026年11月23日(月)" in page.text and "勤労感謝の日" in page.text
    assert "2027年1月1日(金)" in page.text and "元日" in page.text
    assert "国民の祝日" in page.text
    assert "/admin/holidays" in client.get("/admin/").text


def test_admin_adds_and_removes_a_day_off(app, client, admin, submit):
    response = submit("/admin/holidays", {"day": "2026-12-29", "name": "年末年始休業"})
    assert response.status_code == 303
    assert _holidays() == [(date(2026, 12, 29), "年末年始休業")]
    page = client.get(response.headers["Location"]).text
    assert "2026年12月29日(火)を休日（年末年始休業）にしました。" in page
    assert "追加した休日" in page
    holiday_id = db.session.scalar(sa.select(Holiday.id))
    response = submit(f"/admin/holidays/{holiday_id}/delete")
    assert response.status_code == 303
    assert _holidays() == []
    assert "（年末年始休業）の休日を削除しました。" in client.get("/admin/holidays").text
    assert submit(f"/admin/holidays/{holiday_id}/delete").status_code == 404


@pytest.mark.parametrize(
    "form, message",
    [
        ({"day": "2027-01-01", "name": "重複"}, "この日はすでに国民の祝日（元日）です。"),
        ({"day": "2026-11-20", "name": "過去"}, "過ぎた日は登録できません。"),
        ({"day": "9999-12-31", "name": "遠い"}, DATE_MESSAGE),
        ({"day": "2026-12-29", "name": ""}, "名前を入力してください。"),
        ({"day": "2026-12-29", "name": "年末\n休業"}, "名前に改行や制御文字は使えません。"),
        ({"day": "2026-12-29", "name": "あ" * 101}, "100文字以内で入力してください。"),
    ],
)
def test_bad_holidays_are_explained_and_write_nothing(client, admin, submit, form, message):
    response = submit("/admin/holidays", form)
    assert response.status_code == 422
    assert message in response.text
    assert _holidays() == []


def test_the_same_day_twice_is_refused(client, admin, submit):
    assert submit("/admin/holidays", {"day": "2026-12-29", "name": "休業"}).status_code == 303
    again = submit("/admin/holidays", {"day": "2026-12-29", "name": "二度目"})
    assert again.status_code == 422
    assert "この日はすでに登録されています。" in again.text
    assert _holidays() == [(date(2026, 12, 29), "休業")]


def test_a_holiday_years_ahead_is_listed_and_can_be_removed(client, admin, submit):
    assert submit("/admin/holidays", {"day": "2028-01-04", "name": "遠い休日"}).status_code == 303
    holiday_id = db.session.scalar(sa.select(Holiday.id))
    page = client.get("/admin/holidays").text
    assert "2028年1月4日(火)" in page and f"/admin/holidays/{holiday_id}/delete" in page
