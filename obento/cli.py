"""`flask obento ...` commands."""

import sys

import click
import sqlalchemy as sa
from flask import current_app
from flask.cli import with_appcontext
from sqlalchemy.engine import make_url

from obento.extensions import db
from obento.models import Company, Role, Shop, User
from obento.services import DomainError
from obento.services.users import create_user


@click.group("obento")
def obento_cli():
    """Obento administration commands."""


@obento_cli.command("create-db")
@with_appcontext
def create_db():
    """Create the database named in DATABASE_URL if it does not exist yet."""
    target = make_url(current_app.config["SQLALCHEMY_DATABASE_URI"])
    admin_url = current_app.config["ADMIN_DATABASE_URL"] or target.set(database="postgres")
    engine = sa.create_engine(admin_url, isolation_level="AUTOCOMMIT")
    try:
        with engine.connect() as connection:
            exists = connection.scalar(
                sa.text("SELECT 1 FROM pg_database WHERE datname = :name"),
                {"name": target.database},
            )
            if exists:
                click.echo(f"Database {target.database!r} already exists.")
                return
            quoted = connection.dialect.identifier_preparer.quote(target.database)
            connection.execute(sa.text(f"CREATE DATABASE {quoted} ENCODING 'UTF8'"))
            click.echo(f"Created database {target.database!r}.")
    finally:
        engine.dispose()


@obento_cli.command("create-user")
@click.argument("username")
@click.option(
    "--role", required=True, type=click.Choice([role.value for role in Role]), help="権限"
)
@click.option("--name", required=True, help="表示名")
@click.option("--company", "company_name", help="会社名 (staff, manager)")
@click.option("--shop", "shop_name", help="店舗名 (shop)")
@click.option("--password-stdin", is_flag=True, help="Read the password from standard input.")
@with_appcontext
def create_user_command(username, role, name, company_name, shop_name, password_stdin):
    """Create a user; the password comes from a prompt or standard input."""
    if password_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
    else:
        password = click.prompt("Password", hide_input=True, confirmation_prompt=True)
    company = _find(Company, company_name, "company") if company_name else None
    shop = _find(Shop, shop_name, "shop") if shop_name else None
    try:
        user = create_user(
            username=username,
            password=password,
            name=name,
            role=role,
            company=company,
            shop=shop,
        )
    except DomainError as error:
        raise click.ClickException(error.message) from None
    db.session.commit()
    click.echo(f"Created user {user.username!r} ({user.role}).")


def _find(model, name: str, label: str):
    found = db.session.scalar(sa.select(model).where(model.name == name))
    if found is None:
        raise click.ClickException(f"No {label} named {name!r}.")
    return found


@obento_cli.command("seed-demo")
@click.option("--force", is_flag=True, help="Add the demo even though the database has users.")
@click.option("--if-empty", is_flag=True, help="Do nothing (successfully) if there are users.")
@with_appcontext
def seed_demo_command(force, if_empty):
    """Load a small realistic demo: 2 shops, 3 companies, menus, users, two weeks of orders."""
    from obento.demo import seed_demo

    has_users = db.session.scalar(sa.select(sa.func.count(User.id))) > 0
    if has_users and not force:
        if if_empty:
            click.echo("The database already has users; demo not loaded.")
            return
        raise click.ClickException(
            "The database already has users. Use --force to add the demo anyway."
        )
    summary = seed_demo()
    db.session.commit()
    click.echo(summary)
