"""Imported users log in with their old passwords; rows that cannot be imported are reported."""

import sqlite3
from pathlib import Path

import pytest
import sqlalchemy as sa

from obento.extensions import db
from obento.models import Order, User
from tests.legacy.conftest import TANAKA, bcrypt_hash, users
from tests.legacy.test_import import report_line, table_counts


def password_hash(username: str) -> str:
    return db.session.scalar(sa.select(User.password_hash).where(User.username == username))


@pytest.mark.parametrize(
    ("username", "password"),
    [("suzuki", "suzuki-secret"), ("tanaka", "shop-secret"), ("sato", "sato-plain")],
)
def test_a_legacy_user_logs_in_with_the_old_password(
    legacy_db, import_sqlite, login, username, password
):
    assert import_sqlite(legacy_db()).exit_code == 0

    response = login(username, password)

    assert response.status_code == 303, response.get_data(as_text=True)
    assert "/login" not in response.headers["Location"]
    assert password_hash(username).startswith("$argon2id$")  # bcrypt replaced at login


def test_hashes_plain_passwords_and_keeps_bcrypt_until_login(legacy_db, import_sqlite, login):
    assert import_sqlite(legacy_db()).exit_code == 0

    assert password_hash("sato").startswith("$argon2id$")
    assert "sato-plain" not in password_hash("sato")
    assert password_hash("suzuki").startswith("$2b$")
    assert login("suzuki", "wrong password").status_code == 401
    assert password_hash("suzuki").startswith("$2b$")


def order(order_id, user_id, username, shop_name, menu_id, created_at, delivery="", amount=1):
    """A row of the later Orders schema, neither checked nor cancelled."""
    return (
        order_id,
        1,
        user_id,
        username,
        shop_name,
        menu_id,
        amount,
        created_at,
        "",
        delivery,
        0,
        0,
    )


BROKEN_ORDER = order(5, 3, "sato", TANAKA, 1, "2025-04-16 10:00:00", "2025-04-17", amount=0)


def test_a_bad_row_stops_the_import_and_nothing_is_written(legacy_db, import_sqlite):
    before = table_counts()

    result = import_sqlite(legacy_db(extra_orders=[BROKEN_ORDER]))

    assert result.exit_code != 0
    assert "Orders 5: amount 0 is outside 1..10" in result.output
    assert "nothing was imported" in result.output
    assert "--skip-bad" in result.output
    assert table_counts() == before


def test_skip_bad_imports_the_rest(legacy_db, import_sqlite):
    result = import_sqlite(legacy_db(extra_orders=[BROKEN_ORDER]), "--skip-bad")

    assert result.exit_code == 0, result.output
    assert report_line(result.output, "Orders") == [5, 4, 0, 1]
    assert "Orders 5: amount 0 is outside 1..10" in result.output
    assert db.session.get(Order, 5) is None
    assert db.session.scalar(sa.select(sa.func.count(Order.id))) == 4


def test_dry_run_lists_the_bad_rows_too(legacy_db, import_sqlite):
    before = table_counts()

    result = import_sqlite(legacy_db(extra_orders=[BROKEN_ORDER]), "--dry-run", "--skip-bad")

    assert result.exit_code == 0, result.output
    assert "Orders 5: amount 0 is outside 1..10" in result.output
    assert report_line(result.output, "Orders") == [5, 4, 0, 1]
    assert table_counts() == before


@pytest.mark.parametrize(
    ("extra", "reported"),
    [
        (
            {"extra_orders": [order(6, 99, "ghost", TANAKA, 1, "2025-04-16 10:00")]},
            "Orders 6: its User 99 was not imported",
        ),
        (
            {"extra_orders": [order(6, 3, "sato", TANAKA, 1, "12/04/2025")]},
            "Orders 6: created_at is not a date and time: '12/04/2025'",
        ),
        (
            {"extra_orders": [order(6, 3, "sato", TANAKA, 2, "2025-04-12 13:00", "2025-04-14")]},
            "Orders 6: the user already has an order for 2025-04-14 (Orders 1)",
        ),
        (
            {"extra_orders": [order(6, 3, "sato", "よその店", 1, "2025-04-16 10:00")]},
            "Orders 6: its menu does not belong to the shop 'よその店'",
        ),
        (
            {"extra_users": [(6, "sato", "x", "", None, None, 1, 1, None, None, 0, "")]},
            "User 6: the username 'sato' is also used by User 3",
        ),
        (
            {"extra_users": [(6, "nocompany", "x", "", None, None, 1, None, None, None, 0, "")]},
            "User 6: a staff user needs a company_id",
        ),
        (
            {"extra_users": [(6, "noshop", "x", "", None, None, 10, None, "", None, 0, "")]},
            "User 6: a shop user needs a shop_name",
        ),
        (
            {"extra_users": [(6, "odd", "x", "", None, None, 5, None, None, None, 0, "")]},
            "User 6: unknown permission 5",
        ),
        (
            {"extra_users": [(6, "nopass", "", "", None, None, 99, None, None, None, 0, "")]},
            "User 6: password is empty",
        ),
    ],
)  # fmt: skip
def test_bad_rows_are_listed_with_their_reason(legacy_db, import_sqlite, extra, reported):
    result = import_sqlite(legacy_db(**extra), "--skip-bad")

    assert result.exit_code == 0, result.output
    assert reported in result.output
    assert db.session.scalar(sa.select(sa.func.count(Order.id))) == 4


def test_a_user_whose_company_was_bad_is_bad_too(legacy_db, import_sqlite):
    company_rows = [
        (1, "株式会社さくら", "03-1234-5678", TANAKA, "2025-01-10", 0),
        (2, "", "", "", "", 0),
    ]

    result = import_sqlite(legacy_db(company_rows=company_rows), "--skip-bad")

    assert "Company 2: name is empty" in result.output
    assert "User 5: its Company 2 was not imported" in result.output
    assert "Orders 3: its User 5 was not imported" in result.output
    assert report_line(result.output, "Orders") == [4, 2, 0, 2]


def test_refuses_a_file_that_is_not_an_original_database(tmp_path, import_sqlite):
    not_sqlite = tmp_path / "notes.txt"
    not_sqlite.write_text("hello\n" * 200)
    empty = tmp_path / "empty.db"
    sqlite3.connect(empty).execute("CREATE TABLE Company (company_id INTEGER)").connection.close()

    assert "notes.txt is not an SQLite database" in import_sqlite(str(not_sqlite)).output
    missing = import_sqlite(str(empty))
    assert missing.exit_code != 0
    assert "table(s) User, Menu, Orders missing" in missing.output


def test_a_bcrypt_hash_is_stored_as_it_was(legacy_db, import_sqlite):
    rows = users()
    rows[3] = (4, "suzuki", bcrypt_hash("another"), *rows[3][3:])

    assert import_sqlite(legacy_db(user_rows=rows)).exit_code == 0

    assert password_hash("suzuki") == rows[3][2]


@pytest.mark.real_commits
def test_all_or_nothing_with_real_transactions(legacy_db, import_sqlite):
    path = legacy_db(extra_orders=[BROKEN_ORDER])
    original = Path(path).read_bytes()

    assert import_sqlite(path).exit_code != 0
    assert import_sqlite(path, "--dry-run", "--skip-bad").exit_code == 0
    with db.engine.connect() as connection:  # a connection of its own sees only commits
        assert connection.scalar(sa.text("SELECT count(*) FROM users")) == 0
        assert connection.scalar(sa.text("SELECT count(*) FROM legacy_id_map")) == 0

    assert import_sqlite(path, "--skip-bad").exit_code == 0
    with db.engine.connect() as connection:
        assert connection.scalar(sa.text("SELECT count(*) FROM orders")) == 4
        assert connection.scalar(sa.text("SELECT count(*) FROM legacy_id_map")) == 16
    assert Path(path).read_bytes() == original  # the old file is opened read-only
