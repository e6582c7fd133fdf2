"""`flask obento ...` commands."""

import uuid

import pytest
import sqlalchemy as sa

from obento.extensions import db
from obento.models import Company, Menu, Order, Role, Shop, User
from obento.services.passwords import verify_password
from tests.conftest import drop_database


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


def test_create_db_creates_once_then_says_it_exists(app, runner, monkeypatch, database_url):
    name = f"obento_cli_{uuid.uuid4().hex[:8]}"
    url = sa.engine.make_url(database_url).set(database=name)
    monkeypatch.setitem(app.config, "SQLALCHEMY_DATABASE_URI", url.render_as_string(False))
    try:
        first = runner.invoke(args=["obento", "create-db"])
        assert first.exit_code == 0, first.output
        assert f"Created database '{name}'." in first.output
        second = runner.invoke(args=["obento", "create-db"])
        assert second.exit_code == 0
        assert f"Database '{name}' already exists." in second.output
    finally:
        drop_database(name)


def test_create_user_reads_the_password_from_stdin(runner, make_company):
    company = make_company(name="株式会社テスト")
    result = runner.invoke(
        args=[
            "obento",
            "create-user",
            "suzuki",
            "--role",
            "staff",
            "--name",
            "鈴木 一郎",
            "--company",
            "株式会社テスト",
            "--password-stdin",
        ],
        input="a long enough password\n",
    )
    assert result.exit_code == 0, result.output
    user = db.session.scalar(sa.select(User).where(User.username == "suzuki"))
    assert user.company_id == company.id and user.role == "staff" and user.name == "鈴木 一郎"
    assert verify_password(user.password_hash, "a long enough password")
    assert "a long enough password" not in user.password_hash


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--role", "staff", "--name", "x"], "注文者と会社代表には会社を指定してください。"),
        (["--role", "shop", "--name", "x"], "店舗ユーザーには店舗を指定してください。"),
        (["--role", "staff", "--name", "x", "--company", "ない会社"], "No company named"),
    ],
)
def test_create_user_refuses_what_the_rules_forbid(runner, args, message):
    result = runner.invoke(
        args=["obento", "create-user", "newbie", *args, "--password-stdin"],
        input="a long enough password\n",
    )
    assert result.exit_code != 0
    assert message in result.output
    assert db.session.scalar(sa.select(User).where(User.username == "newbie")) is None


@pytest.mark.parametrize(
    ("role", "option", "message"),
    [
        ("shop", "--company", "--company is only for staff and manager users, not shop."),
        ("admin", "--company", "--company is only for staff and manager users, not admin."),
        ("staff", "--shop", "--shop is only for shop users, not staff."),
        ("manager", "--shop", "--shop is only for shop users, not manager."),
        ("admin", "--shop", "--shop is only for shop users, not admin."),
    ],
)
def test_create_user_refuses_a_company_or_shop_the_role_does_not_have(
    runner, make_company, make_shop, role, option, message
):
    make_company(name="株式会社テスト", shops=[make_shop(name="弁当の店")])
    scope = {"--company": "株式会社テスト", "--shop": "弁当の店"}
    args = ["obento", "create-user", "newbie", "--role", role, "--name", "x", "--password-stdin"]
    if role == "shop" and option != "--shop":
        args += ["--shop", scope["--shop"]]
    if role in ("staff", "manager") and option != "--company":
        args += ["--company", scope["--company"]]

    result = runner.invoke(args=[*args, option, scope[option]], input="a long enough password\n")

    assert result.exit_code == 1
    assert f"Error: {message}" in result.output
    assert db.session.scalar(sa.select(User).where(User.username == "newbie")) is None


def test_create_user_refuses_a_short_password(runner):
    result = runner.invoke(
        args=[
            "obento",
            "create-user",
            "root2",
            "--role",
            "admin",
            "--name",
            "x",
            "--password-stdin",
        ],
        input="short\n",
    )
    assert result.exit_code != 0
    assert "8文字以上" in result.output


def test_seed_demo_loads_every_role_and_two_weeks_of_orders(runner, clock):
    clock.set_jst("2026-11-25 09:00")
    result = runner.invoke(args=["obento", "seed-demo"])
    assert result.exit_code == 0, result.output
    count = lambda model: db.session.scalar(sa.select(sa.func.count()).select_from(model))  # noqa: E731
    assert count(Shop) == 2
    assert count(Company) == 3
    assert db.session.scalar(sa.select(sa.func.count(Menu.id)).where(Menu.allergens != "")) >= 6
    roles = set(db.session.scalars(sa.select(User.role).distinct()))
    assert roles == {role.value for role in Role}
    days = db.session.execute(
        sa.select(sa.func.min(Order.delivery_date), sa.func.max(Order.delivery_date))
    ).one()
    assert str(days[0]) >= "2026-11-11" and str(days[1]) <= "2026-11-28"
    assert count(Order) > 50
    # every seeded order is on a weekday that is not a national holiday (11/23 is one)
    assert all(
        day.weekday() < 5 and str(day) != "2026-11-23"
        for day in db.session.scalars(sa.select(Order.delivery_date).distinct())
    )


def test_seed_demo_refuses_a_database_with_users(runner, make_user):
    make_user()
    refused = runner.invoke(args=["obento", "seed-demo"])
    assert refused.exit_code != 0
    assert "--force" in refused.output
    assert db.session.scalar(sa.select(sa.func.count(Shop.id))) == 1  # only the factory's
    quiet = runner.invoke(args=["obento", "seed-demo", "--if-empty"])
    assert quiet.exit_code == 0
    assert "demo not loaded" in quiet.output


@pytest.mark.parametrize("factory", ["make_shop", "make_company", "make_menu"])
def test_seed_demo_refuses_real_data_without_users(runner, request, factory):
    request.getfixturevalue(factory)()
    before = {model: _count(model) for model in (Shop, Company, Menu, User, Order)}

    refused = runner.invoke(args=["obento", "seed-demo"])
    assert refused.exit_code == 1
    assert "The database already has data (" in refused.output
    assert "shops: 1" in refused.output
    assert "Use --force to add the demo anyway." in refused.output
    quiet = runner.invoke(args=["obento", "seed-demo", "--if-empty"])
    assert quiet.exit_code == 0
    assert "demo not loaded" in quiet.output
    assert {model: _count(model) for model in before} == before

    forced = runner.invoke(args=["obento", "seed-demo", "--force"])
    assert forced.exit_code == 0, forced.output
    assert _count(Shop) == before[Shop] + 2


def _count(model) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(model))


def test_demo_logins_work(runner, login, client):
    runner.invoke(args=["obento", "seed-demo"])
    response = login("sakura1", "obento-demo")
    assert response.status_code == 303
    assert response.headers["Location"] == "/orders/"
