"""`flask obento import-sqlite`: what a clean original database becomes."""

from datetime import UTC, date, datetime

import sqlalchemy as sa

from obento.extensions import db
from obento.models import (
    Company,
    LegacyIdMap,
    Menu,
    Order,
    OrderEvent,
    OrderStatus,
    Role,
    Shop,
    User,
    company_shops,
)
from tests.legacy.conftest import HANA, TANAKA

MODELS = (Shop, Company, Menu, User, Order, OrderEvent, LegacyIdMap)


def count(model) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(model))


def table_counts() -> dict[str, int]:
    return {
        **{model.__tablename__: count(model) for model in MODELS},
        "company_shops": count(company_shops),
    }


def user(username: str) -> User:
    return db.session.scalar(sa.select(User).where(User.username == username))


def shop(name: str) -> Shop:
    return db.session.scalar(sa.select(Shop).where(Shop.name == name))


def report_line(output: str, label: str) -> list[int]:
    """The numbers of one table's report line: read, imported, already there, skipped."""
    line = next(line for line in output.splitlines() if line.strip().startswith(label))
    return [int(word) for word in line.split() if word.isdigit()]


def test_imports_every_table_with_counts(legacy_db, import_sqlite):
    result = import_sqlite(legacy_db())

    assert result.exit_code == 0, result.output
    assert report_line(result.output, "shops (shop_name)") == [2, 2, 0, 0]
    assert report_line(result.output, "Company") == [2, 2, 0, 0]
    assert report_line(result.output, "Menu") == [3, 3, 0, 0]
    assert report_line(result.output, "User") == [5, 5, 0, 0]
    assert report_line(result.output, "Orders") == [4, 4, 0, 0]
    assert "company-shop links added: 3" in result.output
    assert "Done." in result.output
    assert table_counts() == {
        "shops": 2,
        "companies": 2,
        "menus": 3,
        "users": 5,
        "orders": 4,
        "order_events": 4,
        "legacy_id_map": 2 + 2 + 3 + 5 + 4,
        "company_shops": 3,
    }
    # Links from Company.shop_name (both to TANAKA) and from kato's order at HANA.
    links = set(
        db.session.execute(
            sa.select(Company.name, Shop.name)
            .join(company_shops, company_shops.c.company_id == Company.id)
            .join(Shop, Shop.id == company_shops.c.shop_id)
        )
    )
    assert links == {
        ("株式会社さくら", TANAKA),
        ("有限会社みどり", TANAKA),
        ("有限会社みどり", HANA),
    }


def test_keeps_ids_roles_and_the_rest_of_each_row(legacy_db, import_sqlite):
    assert import_sqlite(legacy_db()).exit_code == 0

    roles = {u.username: (u.id, u.role) for u in db.session.scalars(sa.select(User))}
    assert roles == {
        "admin": (1, Role.ADMIN),
        "tanaka": (2, Role.SHOP),
        "sato": (3, Role.STAFF),
        "suzuki": (4, Role.MANAGER),
        "kato": (5, Role.STAFF),
    }
    sato = user("sato")
    assert sato.company.name == "株式会社さくら" and sato.name == "佐藤 花子"
    assert sato.default_menu.name == "唐揚げ弁当"
    assert user("tanaka").shop.name == TANAKA
    assert user("admin").company_id is None and user("admin").shop_id is None
    daily = db.session.get(Menu, 3)
    assert (daily.name, daily.price, daily.shop.name, daily.active) == (
        "日替わり弁当",
        480,
        HANA,
        False,
    )
    assert db.session.get(Company, 1).tel == "03-1234-5678"
    mapped = db.session.get(LegacyIdMap, ("User", "3"))
    assert (mapped.target_table, mapped.target_id) == ("users", 3)
    assert db.session.get(LegacyIdMap, ("shop_name", TANAKA)).target_id == shop(TANAKA).id


def test_converts_jst_timestamps_to_utc_and_dates_to_jst_days(legacy_db, import_sqlite):
    assert import_sqlite(legacy_db()).exit_code == 0

    first = db.session.get(Order, 1)
    # 2025-04-12 11:37:45 JST is 02:37:45 UTC; an empty updated_at is the creation time.
    assert first.created_at == datetime(2025, 4, 12, 2, 37, 45, tzinfo=UTC)
    assert first.updated_at == first.created_at
    second = db.session.get(Order, 2)  # a "T" separator and fractional seconds
    assert second.created_at == datetime(2025, 4, 12, 3, 0, 0, 250000, tzinfo=UTC)
    assert second.updated_at == datetime(2025, 4, 12, 3, 30, tzinfo=UTC)
    # No expected_delivery_date: the JST day of 2025-04-13 08:00 JST (still the 12th in UTC).
    third = db.session.get(Order, 3)
    assert third.created_at == datetime(2025, 4, 12, 23, 0, tzinfo=UTC)
    assert third.delivery_date == date(2025, 4, 13)
    assert db.session.get(Company, 1).created_at == datetime(2025, 1, 10, 0, 0, tzinfo=UTC)


def test_checked_and_canceled_columns_of_the_later_schema(legacy_db, import_sqlite):
    assert import_sqlite(legacy_db()).exit_code == 0

    checked = db.session.get(Order, 1)
    assert (checked.status, checked.checked) == (OrderStatus.ORDERED, True)
    cancelled = db.session.get(Order, 2)
    assert (cancelled.status, cancelled.checked, cancelled.cancel_fee) == (
        OrderStatus.CANCELLED,
        False,
        0,
    )
    assert cancelled.cancelled_at == datetime(2025, 4, 12, 3, 30, tzinfo=UTC)
    assert (cancelled.quantity, cancelled.unit_price, cancelled.amount) == (2, 650, 0)


def test_canceled_is_the_check_mark_in_the_oldest_schema(legacy_db, import_sqlite):
    result = import_sqlite(legacy_db(oldest=True))

    assert result.exit_code == 0, result.output
    orders = {o.id: o for o in db.session.scalars(sa.select(Order))}
    assert {o.status for o in orders.values()} == {OrderStatus.ORDERED}
    assert [orders[i].checked for i in (1, 2, 3)] == [True, False, False]
    # No user_id column: the user is found by username; no delivery date: the JST created day.
    assert orders[2].user.username == "suzuki"
    assert orders[1].delivery_date == date(2025, 4, 12)
    assert orders[3].delivery_date == date(2025, 4, 13)


def test_imported_orders_show_for_their_shop_and_day(legacy_db, import_sqlite):
    assert import_sqlite(legacy_db()).exit_code == 0

    rows = db.session.execute(
        sa.select(User.username, Company.name, Menu.name, Order.quantity, Order.status)
        .join(Order.user)
        .join(Order.company)
        .join(Order.menu)
        .where(Order.shop_id == shop(TANAKA).id, Order.delivery_date == date(2025, 4, 14))
        .order_by(Order.id)
    ).all()
    assert rows == [
        ("sato", "株式会社さくら", "唐揚げ弁当", 1, OrderStatus.ORDERED),
        ("suzuki", "株式会社さくら", "幕の内弁当", 2, OrderStatus.CANCELLED),
    ]
    hana = db.session.scalars(
        sa.select(Order).where(
            Order.shop_id == shop(HANA).id, Order.delivery_date == date(2025, 4, 15)
        )
    ).all()
    assert [(o.user.username, o.amount) for o in hana] == [("kato", 3 * 480)]


def test_each_order_gets_one_imported_event(legacy_db, import_sqlite):
    assert import_sqlite(legacy_db()).exit_code == 0

    events = db.session.scalars(sa.select(OrderEvent).order_by(OrderEvent.order_id)).all()
    assert [(e.order_id, e.action, e.actor_id) for e in events] == [
        (1, "imported", None),
        (2, "imported", None),
        (3, "imported", None),
        (4, "imported", None),
    ]
    assert events[0].detail == {"source": "obento.db", "legacy_id": 1}


def test_running_twice_imports_nothing_twice(legacy_db, import_sqlite):
    path = legacy_db()
    assert import_sqlite(path).exit_code == 0
    before = table_counts()

    again = import_sqlite(path)

    assert again.exit_code == 0, again.output
    assert table_counts() == before
    assert report_line(again.output, "Orders") == [4, 0, 4, 0]
    assert report_line(again.output, "User") == [5, 0, 5, 0]
    assert report_line(again.output, "shops (shop_name)") == [2, 0, 2, 0]
    assert "company-shop links added: 0" in again.output


def test_a_new_order_added_to_the_old_file_is_imported_on_the_next_run(legacy_db, import_sqlite):
    assert import_sqlite(legacy_db(name="first.db")).exit_code == 0
    later = (5, 1, 3, "sato", TANAKA, 2, 1, "2025-04-15 10:00:00", "", "2025-04-16", 0, 0)

    again = import_sqlite(legacy_db(name="second.db", extra_orders=[later]))

    assert report_line(again.output, "Orders") == [5, 1, 4, 0]
    assert db.session.get(Order, 5).delivery_date == date(2025, 4, 16)


def test_dry_run_reports_the_same_and_writes_nothing(legacy_db, import_sqlite):
    before = table_counts()

    result = import_sqlite(legacy_db(), "--dry-run")

    assert result.exit_code == 0, result.output
    assert "Dry run of the import of obento.db" in result.output
    assert report_line(result.output, "Orders") == [4, 4, 0, 0]
    assert report_line(result.output, "User") == [5, 5, 0, 0]
    assert "Dry run: nothing was written." in result.output
    assert table_counts() == before


def test_sequences_move_past_imported_ids(legacy_db, import_sqlite, make_user, make_order):
    assert import_sqlite(legacy_db()).exit_code == 0

    newcomer = make_user(company_id=1)
    order = make_order(newcomer, menu=db.session.get(Menu, 1))

    assert newcomer.id > 5 and order.id > 4
    assert db.session.scalar(sa.select(sa.func.count(User.id))) == 6


def test_a_taken_id_gets_a_fresh_one_and_references_follow(legacy_db, import_sqlite, make_company):
    existing = make_company(name="既存の会社", shops=[])
    db.session.add(
        User(id=3, username="already-here", password_hash="x", name="先客", role=Role.STAFF,
             company_id=existing.id)
    )  # fmt: skip
    db.session.commit()

    result = import_sqlite(legacy_db())

    assert result.exit_code == 0, result.output
    sato = user("sato")
    assert sato.id not in (1, 2, 3, 4, 5)
    assert db.session.get(LegacyIdMap, ("User", "3")).target_id == sato.id
    assert f"User 3 -> {sato.id}: id already taken" in result.output
    assert db.session.get(Order, 1).user_id == sato.id
    assert user("kato").id == 5


def test_existing_shops_and_companies_of_the_same_name_are_reused(
    legacy_db, import_sqlite, make_shop, make_company
):
    tanaka = make_shop(name=TANAKA)
    sakura = make_company(name="株式会社さくら", shops=[])

    result = import_sqlite(legacy_db())

    assert result.exit_code == 0, result.output
    assert report_line(result.output, "shops (shop_name)") == [2, 1, 1, 0]
    assert report_line(result.output, "Company") == [2, 1, 1, 0]
    assert user("sato").company_id == sakura.id
    assert db.session.get(Menu, 1).shop_id == tanaka.id
    assert tanaka in db.session.get(Company, sakura.id).shops
