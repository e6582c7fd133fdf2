"""Databases of the original SQLite application, built row by row for the import tests."""

import sqlite3

import bcrypt
import pytest

COMPANY = "CREATE TABLE Company (company_id INTEGER PRIMARY KEY, name TEXT, tel TEXT,"
COMPANY += " shop_name TEXT, created_at TEXT, disabled INTEGER)"
USER = "CREATE TABLE User (user_id INTEGER PRIMARY KEY, username TEXT, password TEXT, name TEXT,"
USER += " token TEXT, exp TEXT, permission INTEGER, company_id INTEGER, shop_name TEXT,"
USER += " menu_id INTEGER, is_modified INTEGER, updated_at TEXT)"
MENU = "CREATE TABLE Menu (menu_id INTEGER PRIMARY KEY, shop_name TEXT, name TEXT, price INTEGER,"
MENU += " description TEXT, picture_path TEXT, disabled INTEGER, created_at TEXT, updated_at TEXT)"
# The later schema: `checked` is the shop's check mark and `canceled` a cancelled order.
ORDERS_CHECKED = "CREATE TABLE Orders (order_id INTEGER PRIMARY KEY, company_id INTEGER,"
ORDERS_CHECKED += (
    " user_id INTEGER, username TEXT, shop_name TEXT, menu_id INTEGER, amount INTEGER,"
)
ORDERS_CHECKED += " created_at TEXT, updated_at TEXT, expected_delivery_date TEXT, checked INTEGER,"
ORDERS_CHECKED += " canceled INTEGER)"
# The oldest schema: no user_id, no delivery date, and `canceled` is the shop's check mark.
ORDERS_OLDEST = "CREATE TABLE Orders (order_id INTEGER PRIMARY KEY, company_id INTEGER,"
ORDERS_OLDEST += " username TEXT, shop_name TEXT, menu_id INTEGER, amount INTEGER,"
ORDERS_OLDEST += " created_at TEXT, updated_at TEXT, canceled INTEGER)"

TANAKA = "弁当のたなか"
HANA = "キッチンはな"


def bcrypt_hash(password: str) -> str:
    return bcrypt.hashpw(password.encode(), bcrypt.gensalt(rounds=4)).decode()


def companies():
    return [
        (1, "株式会社さくら", "03-1234-5678", TANAKA, "2025-01-10 09:00:00", 0),
        (2, "有限会社みどり", "", TANAKA, "2025-01-11 09:00:00", 0),
    ]


def users():
    # user_id, username, password, name, token, exp, permission, company_id, shop_name,
    # menu_id, is_modified, updated_at
    return [
        (1, "admin", "admin-plain", "管理者", None, None, 99, None, None, None, 0, ""),
        (2, "tanaka", bcrypt_hash("shop-secret"), TANAKA, None, None, 10, None, TANAKA, None, 0,
         ""),
        (3, "sato", "sato-plain", "佐藤 花子", "tok", None, 1, 1, TANAKA, 1, 0, ""),
        (4, "suzuki", bcrypt_hash("suzuki-secret"), "鈴木 一郎", None, None, 2, 1, TANAKA, None, 1,
         "2025-03-01 10:00:00"),
        (5, "kato", "kato-plain", "加藤 健", None, None, 1, 2, None, None, 0, None),
    ]  # fmt: skip


def menus():
    return [
        (1, TANAKA, "唐揚げ弁当", 500, "人気", "img/1.jpg", 0, "2025-01-10 09:00:00", ""),
        (2, TANAKA, "幕の内弁当", 650, "", None, 0, "2025-01-10 09:00:00", None),
        (3, HANA, "日替わり弁当", 480, "", None, 1, "2025-02-01 09:00:00.5", ""),
    ]


def orders_checked():
    # order_id, company_id, user_id, username, shop_name, menu_id, amount, created_at,
    # updated_at, expected_delivery_date, checked, canceled
    return [
        (1, 1, 3, "sato", TANAKA, 1, 1, "2025-04-12 11:37:45", "", "2025-04-14", 1, 0),
        (2, 1, 4, "suzuki", TANAKA, 2, 2, "2025-04-12T12:00:00.250000", "2025-04-12 12:30:00",
         "2025-04-14", 0, 1),
        (3, 2, 5, "kato", TANAKA, 1, 1, "2025-04-13 08:00:00", None, None, 0, 0),
        (4, 2, 5, "kato", HANA, 3, 3, "2025-04-14 09:00:00", "", "2025-04-15", 0, 0),
    ]  # fmt: skip


def orders_oldest():
    # order_id, company_id, username, shop_name, menu_id, amount, created_at, updated_at, canceled
    return [
        (1, 1, "sato", TANAKA, 1, 1, "2025-04-12 11:37:45", "", 1),
        (2, 1, "suzuki", TANAKA, 2, 2, "2025-04-12 12:00:00", "", 0),
        (3, 2, "kato", HANA, 3, 1, "2025-04-13 08:00:00", "2025-04-13 09:00:00", 0),
    ]


@pytest.fixture
def legacy_db(tmp_path):
    """Write an original database: `legacy_db(oldest=False, extra_orders=[...], ...)`."""

    def build(
        *,
        oldest: bool = False,
        company_rows=None,
        user_rows=None,
        menu_rows=None,
        order_rows=None,
        extra_orders=(),
        extra_users=(),
        name: str = "obento.db",
    ) -> str:
        path = tmp_path / name
        connection = sqlite3.connect(path)
        with connection:
            connection.execute(COMPANY)
            connection.execute(USER)
            connection.execute(MENU)
            connection.execute(ORDERS_OLDEST if oldest else ORDERS_CHECKED)
            tables = {
                "Company": company_rows if company_rows is not None else companies(),
                "User": [*(user_rows if user_rows is not None else users()), *extra_users],
                "Menu": menu_rows if menu_rows is not None else menus(),
                "Orders": [
                    *(order_rows or (orders_oldest() if oldest else orders_checked())),
                    *extra_orders,
                ],
            }
            for table, rows in tables.items():
                for row in rows:
                    marks = ", ".join("?" * len(row))
                    connection.execute(f"INSERT INTO {table} VALUES ({marks})", row)  # noqa: S608
        connection.close()
        return str(path)

    return build


@pytest.fixture
def import_sqlite(app):
    """Run `flask obento import-sqlite PATH [options]` and return the click result."""
    runner = app.test_cli_runner()

    def run(path: str, *options: str):
        return runner.invoke(args=["obento", "import-sqlite", path, *options])

    return run
