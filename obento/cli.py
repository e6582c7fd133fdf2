"""`flask obento ...` commands."""

import sys

import click
import sqlalchemy as sa
from flask import current_app
from flask.cli import with_appcontext
from sqlalchemy.engine import make_url

from obento.extensions import db
from obento.legacy_import import LegacyImportError, import_sqlite
from obento.models import Company, Role, Shop
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
    # The service ignores a company or shop the role does not have: refuse it here instead,
    # before the password is asked for.
    if company_name and role not in (Role.STAFF, Role.MANAGER):
        raise click.ClickException(f"--company is only for staff and manager users, not {role}.")
    if shop_name and role != Role.SHOP:
        raise click.ClickException(f"--shop is only for shop users, not {role}.")
    company = _find(Company, company_name, "company") if company_name else None
    shop = _find(Shop, shop_name, "shop") if shop_name else None
    if password_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
    else:
        password = click.prompt("Password", hide_input=True, confirmation_prompt=True)
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
@click.option("--force", is_flag=True, help="Add the demo even though the database has data.")
@click.option("--if-empty", is_flag=True, help="Do nothing (successfully) if there is data.")
@with_appcontext
def seed_demo_command(force, if_empty):
    """Load a small realistic demo: 2 shops, 3 companies, menus, users, two weeks of orders."""
    from obento.demo import existing_data, seed_demo

    found = ", ".join(f"{table}: {count}" for table, count in existing_data().items() if count)
    if found and not force:
        if if_empty:
            click.echo(f"The database already has data ({found}); demo not loaded.")
            return
        raise click.ClickException(
            f"The database already has data ({found}). Use --force to add the demo anyway."
        )
    summary = seed_demo()
    db.session.commit()
    click.echo(summary)


@obento_cli.command("import-sqlite")
@click.argument("path", type=click.Path(exists=True, dir_okay=False))
@click.option("--dry-run", is_flag=True, help="Report what would be imported; write nothing.")
@click.option("--skip-bad", is_flag=True, help="Import the good rows even if some are bad.")
@with_appcontext
def import_sqlite_command(path, dry_run, skip_bad):
    """Import a database of the original SQLite application, in one transaction."""
    try:
        report = import_sqlite(path, dry_run=dry_run)
    except LegacyImportError as error:
        db.session.rollback()
        raise click.ClickException(str(error)) from None
    except sa.exc.DBAPIError as error:
        db.session.rollback()
        raise click.ClickException(
            f"The database refused the import, nothing was written: {error.orig}"
        ) from None
    except BaseException:
        db.session.rollback()
        raise
    stop = bool(report.bad_rows) and not skip_bad
    for line in report.lines():
        click.echo(line)
    if dry_run or stop:
        db.session.rollback()
    else:
        db.session.commit()
        current_app.logger.info("import-sqlite %s: %s", path, report.summary())
    if stop:
        raise click.ClickException(
            "Bad rows found: nothing was imported. Fix them, or use --skip-bad to import the rest."
        )
    click.echo("Dry run: nothing was written." if dry_run else "Done.")
