"""The migrations alone build the schema, take it down again and match the models."""

import uuid

import flask_migrate
import pytest
import sqlalchemy as sa

from obento import create_app
from obento.extensions import db
from tests.conftest import create_database, drop_database, make_config


@pytest.fixture
def empty_database_app():
    name = f"obento_migrations_{uuid.uuid4().hex[:8]}"
    app = create_app(make_config(create_database(name)))
    try:
        yield app
    finally:
        with app.app_context():
            db.engine.dispose()
        drop_database(name)


def _tables(app) -> set[str]:
    with app.app_context():
        return set(sa.inspect(db.engine).get_table_names())


@pytest.mark.real_commits
def test_upgrade_downgrade_and_no_drift(empty_database_app):
    app = empty_database_app
    expected = {table.name for table in db.metadata.sorted_tables}
    assert {
        "companies",
        "shops",
        "company_shops",
        "shop_closed_days",
        "menus",
        "users",
        "orders",
        "order_events",
    } <= expected

    with app.app_context():
        flask_migrate.upgrade()
    assert _tables(app) == expected | {"alembic_version"}

    with app.app_context():
        flask_migrate.check()  # raises if the models and the migrations differ

    with app.app_context():
        flask_migrate.downgrade(revision="base")
    assert _tables(app) == {"alembic_version"}

    with app.app_context():
        flask_migrate.upgrade()
    assert _tables(app) == expected | {"alembic_version"}
