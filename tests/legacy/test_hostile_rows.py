"""Values PostgreSQL or the web forms would refuse become bad rows with a reason, not a crash."""

import pytest
import sqlalchemy as sa

from obento.extensions import db
from obento.legacy_import.idmap import KEPT_ID_MAX
from obento.models import Company, LegacyIdMap, Menu, Order, User
from tests.legacy.conftest import TANAKA, users
from tests.legacy.test_import import report_line, table_counts, user
from tests.legacy.test_login_and_bad_rows import order


def staff(user_id, username="newbie", password="newbie-plain", name="新人"):  # noqa: S107
    """A User row of a staff member of Company 1."""
    return (user_id, username, password, name, None, None, 1, 1, None, None, 0, "")


@pytest.mark.parametrize(
    ("extra", "reported"),
    [
        (
            {"extra_orders": [order(6, 3, "sato", TANAKA, 1, "0001-01-01 00:00:00")]},
            "Orders 6: created_at is outside the years 1970 to 2099: '0001-01-01 00:00:00'",
        ),
        (
            {"extra_orders": [order(6, 3, "sato", TANAKA, 1, "9999-12-31 23:59:59")]},
            "Orders 6: created_at is outside the years 1970 to 2099: '9999-12-31 23:59:59'",
        ),
        (
            {"extra_orders": [order(6, 3, "sato", TANAKA, 1, "2025-04-16 10:00", "0001-01-01")]},
            "Orders 6: expected_delivery_date is outside the years 1970 to 2099: '0001-01-01'",
        ),
        (
            {"extra_users": [staff(6, password="pass\x00word")]},
            "User 6: password contains a NUL character",
        ),
        (
            {"extra_users": [staff(6, password="$2b$12$\x00abc")]},
            "User 6: password contains a NUL character",
        ),
        (
            {"extra_users": [staff(6, password="$2b$12$not-a-hash")]},
            "User 6: password looks like a bcrypt hash but is not a valid one",
        ),
        (
            {"extra_users": [staff(6, name="新\x00人")]},
            "User 6: name contains a NUL character",
        ),
        (
            {"extra_users": [staff(6, username="new\nbie")]},
            "User 6: ユーザー名に改行や制御文字は使えません。",
        ),
        (
            {"extra_users": [staff(6, username="new\u200bbie")]},
            "User 6: ユーザー名に目に見えない文字（ゼロ幅スペースなど）は使えません。",
        ),
        (
            {"extra_users": [staff(6, username="new bie")]},
            "User 6: ユーザー名は空白を含まない64文字以内にしてください。",
        ),
        (
            {"extra_users": [staff(6, name="新人\nINFO 偽の行")]},
            "User 6: 氏名に改行や制御文字は使えません。",
        ),
        (
            {"extra_users": [staff(6, name="新\u2028人")]},
            "User 6: 氏名に改行や制御文字は使えません。",
        ),
        (
            {"extra_users": [staff(6, username="ｓａｔｏ")]},  # NFKC: the same login as sato
            "User 6: the username 'sato' is also used by User 3",
        ),
    ],
)  # fmt: skip
def test_hostile_user_and_order_values_are_bad_rows(legacy_db, import_sqlite, extra, reported):
    result = import_sqlite(legacy_db(**extra), "--skip-bad")

    assert result.exit_code == 0, result.output
    assert reported in result.output
    assert "Traceback" not in result.output
    assert db.session.scalar(sa.select(sa.func.count(Order.id))) == 4
    assert db.session.scalar(sa.select(sa.func.count(User.id))) == 5
    assert db.session.get(LegacyIdMap, ("User", "6")) is None
    assert db.session.get(LegacyIdMap, ("Orders", "6")) is None


def test_hostile_company_and_menu_values_are_bad_rows(legacy_db, import_sqlite):
    company_rows = [
        (1, "株式会社さくら", "03-1234-5678", TANAKA, "2025-01-10 09:00:00", 0),
        (2, "有限会社みどり", "", TANAKA, "2025-01-11 09:00:00", 0),
        (3, "株式会社\u200bさくら", "", TANAKA, "", 0),
        (4, "株式会社あおぞら", "03\n1234", TANAKA, "", 0),
        (5, "株式会社ゼロ", "", TANAKA, "0001-01-01 00:00:00", 0),
        (6, "株式会社にじ", "", "弁当\n屋", "", 0),
    ]
    menu_rows = [
        (1, TANAKA, "唐揚げ弁当", 500, "人気", None, 0, "", ""),
        (2, TANAKA, "幕の内弁当", 650, "", None, 0, "", ""),
        (3, "キッチンはな", "日替わり弁当", 480, "", None, 0, "", ""),
        (4, TANAKA, "特上弁当", 10**12, "", None, 0, "", ""),
        (5, TANAKA, "のり\r弁当", 400, "", None, 0, "", ""),
        (6, TANAKA, "鮭弁当", 600, "説明\x00", None, 0, "", ""),
        (7, "弁当\x00屋", "焼肉弁当", 700, "", None, 0, "", ""),
    ]

    result = import_sqlite(
        legacy_db(company_rows=company_rows, menu_rows=menu_rows), "--dry-run", "--skip-bad"
    )

    assert result.exit_code == 0, result.output
    for reported in (
        "Company 3: 会社名に目に見えない文字（ゼロ幅スペースなど）は使えません。",
        "Company 4: 電話番号に改行や制御文字は使えません。",
        "Company 5: created_at is outside the years 1970 to 2099: '0001-01-01 00:00:00'",
        "Menu 4: price 1000000000000 is outside 0 to 100000 yen",
        "Menu 5: メニュー名に改行や制御文字は使えません。",
        "Menu 6: description contains a NUL character",
        "shop_name '弁当\\x00屋': shop name contains a NUL character",
        "shop_name '弁当\\n屋': 店舗名に改行や制御文字は使えません。",
        "Company 6: its shop '弁当\\n屋' was not imported",
        "Menu 7: its shop '弁当\\x00屋' was not imported",
    ):
        assert reported in result.output
    assert report_line(result.output, "shops (shop_name)") == [4, 2, 0, 2]
    assert report_line(result.output, "Company") == [6, 2, 0, 4]
    assert report_line(result.output, "Menu") == [7, 3, 0, 4]
    assert report_line(result.output, "Orders") == [4, 4, 0, 0]


def test_without_skip_bad_a_hostile_row_stops_the_import_cleanly(legacy_db, import_sqlite):
    before = table_counts()

    result = import_sqlite(
        legacy_db(extra_orders=[order(6, 3, "sato", TANAKA, 1, "0001-01-01 00:00:00")])
    )

    assert result.exit_code == 1
    assert "Orders 6: created_at is outside the years 1970 to 2099" in result.output
    assert "nothing was imported" in result.output
    assert table_counts() == before


def test_ids_beyond_the_kept_range_get_new_ids_and_new_users_still_work(
    legacy_db, import_sqlite, app, client, login, make_user, submit
):
    huge, top = 3_000_000_000, 2_147_483_647
    rows = [*users(), staff(top, "maxint"), staff(huge, "toobig")]
    extra_orders = [
        order(top, top, "maxint", TANAKA, 1, "2025-04-16 10:00", "2025-04-17"),
        order(7, huge, "toobig", TANAKA, 2, "2025-04-16 10:00", "2025-04-17"),
    ]

    result = import_sqlite(legacy_db(user_rows=rows, extra_orders=extra_orders))

    assert result.exit_code == 0, result.output
    assert report_line(result.output, "User") == [7, 7, 0, 0]
    maxint, toobig = user("maxint"), user("toobig")
    # New ids from the sequence, after the kept ones (1-5); other tests may have used some.
    assert maxint.id != toobig.id and all(5 < new < KEPT_ID_MAX for new in (maxint.id, toobig.id))
    assert f"User {top} -> {maxint.id}: id above {KEPT_ID_MAX:,}" in result.output
    assert f"User {huge} -> {toobig.id}: id above {KEPT_ID_MAX:,}" in result.output
    assert f"Orders {top} -> " in result.output
    assert db.session.get(LegacyIdMap, ("User", str(huge))).target_id == toobig.id
    big_order = db.session.get(LegacyIdMap, ("Orders", str(top))).target_id
    assert db.session.get(Order, big_order).user_id == maxint.id
    assert db.session.get(Order, 7).user_id == toobig.id
    assert db.session.get(User, 3).username == "sato"  # small ids are still kept

    # New users still get ids: from the command line and from the web form.
    runner = app.test_cli_runner()
    created = runner.invoke(
        args=["obento", "create-user", "after-import", "--role", "admin", "--name", "後から"]
        + ["--password-stdin"],
        input="a long enough password\n",
    )
    assert created.exit_code == 0, created.output
    assert user("after-import").id < KEPT_ID_MAX
    login(make_user(role="admin").username)
    response = submit(
        "/admin/users/new",
        {"username": "web-after", "name": "画面 から", "role": "admin", "password": "pass-1234"},
    )
    assert response.status_code == 303
    assert user("web-after").id < KEPT_ID_MAX


def test_a_kept_id_just_below_the_limit_leaves_room(legacy_db, import_sqlite, make_company):
    rows = [*users(), staff(KEPT_ID_MAX, "edge")]

    result = import_sqlite(legacy_db(user_rows=rows))

    assert result.exit_code == 0, result.output
    assert user("edge").id == KEPT_ID_MAX
    assert "new id" not in result.output
    company = make_company()
    assert company.id < KEPT_ID_MAX
    assert db.session.get(Company, company.id) is not None
    assert db.session.get(Menu, 1).price == 500
