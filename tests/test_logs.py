"""The application log and the order log go to one file per JST day."""

import logging
import os
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

import pytest

from obento.logs import DailyFileHandler, log_fields, log_files, log_value, order_logger


def _record_at(instant: datetime, message: str) -> logging.LogRecord:
    record = logging.LogRecord("obento.orders", logging.INFO, __file__, 1, message, (), None)
    record.created = instant.timestamp()
    return record


def test_order_lines_go_to_the_file_of_the_jst_day(app):
    directory = Path(app.config["LOG_DIR"])
    # 2026-11-25 15:30 UTC is already 2026-11-26 00:30 in Tokyo.
    order_logger.handle(
        _record_at(datetime(2026, 11, 25, 15, 30, tzinfo=UTC), "ORDER 注文完了 order_id=1")
    )
    order_logger.handle(
        _record_at(datetime(2026, 11, 25, 14, 59, tzinfo=UTC), "ORDER 注文完了 order_id=2")
    )
    assert "order_id=1" in (directory / "order-2026-11-26.log").read_text(encoding="utf-8")
    day_before = (directory / "order-2026-11-25.log").read_text(encoding="utf-8")
    assert "2026-11-25 23:59:00+0900 ORDER 注文完了 order_id=2" in day_before
    names = {(name, day) for name, day, _ in log_files(directory)}
    assert {("order", "2026-11-26"), ("order", "2026-11-25")} <= names


def test_order_lines_stay_out_of_the_application_log(app):
    directory = Path(app.config["LOG_DIR"])
    order_logger.info("ORDER 注文完了 order_id=99")
    app.logger.info("application line")
    app_text = "".join(p.read_text(encoding="utf-8") for p in directory.glob("app-*.log"))
    assert "application line" in app_text
    assert "order_id=99" not in app_text


def test_failed_login_is_logged_without_the_password(app, client, login, make_user):
    user = make_user()
    login(user.username, "secret-wrong-password")
    text = "".join(
        p.read_text(encoding="utf-8") for p in Path(app.config["LOG_DIR"]).glob("app-*.log")
    )
    assert f"login failed user={user.username} address=127.0.0.1\n" in text
    assert "secret-wrong-password" not in text


def test_free_text_in_application_log_lines_is_quoted(app, client, login):
    """A typed user name with a space, `=` or a line break cannot make up fields or lines."""
    login("山田 太郎 address=10.0.0.1\nWARNING obento: forged", "wrong-password")
    text = "".join(
        p.read_text(encoding="utf-8") for p in Path(app.config["LOG_DIR"]).glob("app-*.log")
    )
    assert (
        'login failed user="山田 太郎 address=10.0.0.1\\nWARNING obento: forged" '
        "address=127.0.0.1\n"
    ) in text
    assert "\nWARNING obento: forged" not in text


def test_record_event_writes_the_event_and_the_order_line(app, make_user, make_order):
    import sqlalchemy as sa

    from obento.extensions import db
    from obento.models import OrderAction, OrderEvent
    from obento.services.audit import record_event

    user = make_user()
    order = make_order(user, quantity=2)
    record_event(order, user, OrderAction.PLACED, note="テスト")
    db.session.commit()
    event = db.session.scalar(sa.select(OrderEvent).where(OrderEvent.order_id == order.id))
    assert (event.action, event.actor_id, event.detail) == ("placed", user.id, {"note": "テスト"})
    text = "".join(
        p.read_text(encoding="utf-8") for p in Path(app.config["LOG_DIR"]).glob("order-*.log")
    )
    assert (
        f"ORDER 注文完了 order_id={order.id} company={order.company_id} user={user.id} "
        f"shop={order.shop_id} menu={order.menu_id} qty=2 actor={user.id} note=テスト"
    ) in text


def test_daily_files_older_than_the_retention_are_removed(tmp_path):
    from obento.logs import remove_old_logs

    for name in (
        "app-2026-08-26.log",
        "order-2026-08-27.log",
        "app-2026-08-28.log",
        "notes.txt",
        "app-latest.log",
    ):
        (tmp_path / name).write_text("x")
    # 2026-11-25 16:00 UTC is 2026-11-26 in Tokyo; 90 days before is 2026-08-28.
    removed = remove_old_logs(tmp_path, 90, datetime(2026, 11, 25, 16, 0, tzinfo=UTC))
    assert sorted(path.name for path in removed) == ["app-2026-08-26.log", "order-2026-08-27.log"]
    assert sorted(path.name for path in tmp_path.iterdir()) == [
        "app-2026-08-28.log",
        "app-latest.log",
        "notes.txt",
    ]


def test_workers_keep_their_files_open_and_every_line_arrives(tmp_path):
    # Two handlers on one directory: two gunicorn workers writing the same day's file.
    first, second = DailyFileHandler(tmp_path, "order"), DailyFileHandler(tmp_path, "order")
    at = datetime(2026, 11, 25, 1, 0, tzinfo=UTC)
    try:
        for n in range(3):
            first.handle(_record_at(at, f"line a{n}"))
            second.handle(_record_at(at, f"line b{n}"))
        path = tmp_path / "order-2026-11-25.log"
        assert path.read_text(encoding="utf-8").splitlines() == [
            "line a0", "line b0", "line a1", "line b1", "line a2", "line b2",
        ]  # fmt: skip
        # The file removed (by hand, or a log shipper moving it away): the next line makes
        # a new one instead of vanishing into the removed file.
        path.unlink()
        first.handle(_record_at(at, "line a3"))
        assert path.read_text(encoding="utf-8") == "line a3\n"
    finally:
        first.close()
        second.close()


def test_a_relative_log_dir_is_under_the_checkout_whatever_the_working_directory(tmp_path):
    """.env.example's LOG_DIR=logs: logging, the log list and the download (send_file reads
    a relative path against the package) must all find the same files."""
    checkout = Path(__file__).resolve().parent.parent
    shown = subprocess.run(
        [sys.executable, "-c", "from config import Config; print(Config.LOG_DIR)"],
        cwd=tmp_path,
        env={**os.environ, "LOG_DIR": "logs", "PYTHONPATH": str(checkout)},
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    assert shown == str(checkout / "logs")


@pytest.mark.parametrize(
    ("value", "written"),
    [
        (12, "12"),
        (None, "-"),
        ("まごころ弁当の休業日（臨時休業）", "まごころ弁当の休業日（臨時休業）"),
        ("2026-12-03", "2026-12-03"),
        ("", '""'),
        ("-", '"-"'),
        ("臨時 休業", '"臨時 休業"'),
        ("年末\u3000年始", '"年末\u3000年始"'),  # an ideographic space is a space too
        ("a=b", '"a=b"'),
        ('say "hi"', r'"say \"hi\""'),
        ("C:\\temp", r'"C:\\temp"'),
        ("line\nbreak\r\ttab", r'"line\nbreak\r\ttab"'),
        ("rtl\u202eevil\u2028sep", r'"rtl\u202eevil\u2028sep"'),
        ("tag\U000e0001", r'"tag\U000e0001"'),
    ],
)
def test_log_values_are_quoted_and_escaped_only_where_a_line_would_be_ambiguous(value, written):
    assert log_value(value) == written


def test_log_fields_split_back_into_the_fields_written():
    """What a reader of the log (a person, grep, a logfmt parser) relies on: every field
    starts at a space outside quotes, so free text cannot make up a field of its own."""
    import shlex

    fields = {"order_id": 7, "actor": None, "reason": '休業 qty=99 "急用"', "cancel_fee": 0}
    line = log_fields(fields)
    assert line == r'order_id=7 actor=- reason="休業 qty=99 \"急用\"" cancel_fee=0'
    assert [part.split("=", 1) for part in shlex.split(line)] == [
        ["order_id", "7"],
        ["actor", "-"],
        ["reason", '休業 qty=99 "急用"'],
        ["cancel_fee", "0"],
    ]
