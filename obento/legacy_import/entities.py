"""Shops, companies, menus and users from the original database."""

import re
from collections.abc import Callable
from contextlib import suppress
from typing import TYPE_CHECKING

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import insert as pg_insert

from obento.extensions import db
from obento.legacy_import.source import BadRow, as_flag, as_id, as_int, parse_jst, text
from obento.models import Company, Menu, Role, Shop, User, company_shops
from obento.services import DomainError
from obento.services.menus import MAX_PRICE
from obento.services.passwords import hash_password
from obento.services.text import check_single_line
from obento.services.users import clean_username, normalized_username_column

if TYPE_CHECKING:
    from obento.legacy_import.run import ImportRun

ROLES = {1: Role.STAFF, 2: Role.MANAGER, 10: Role.SHOP, 99: Role.ADMIN}
BCRYPT_PREFIXES = ("$2a$", "$2b$", "$2y$")
# $2b$<cost>$<22 characters of salt and 31 of hash>: anything else could never log in.
BCRYPT_HASH = re.compile(r"\$2[aby]\$[0-9]{2}\$[./A-Za-z0-9]{53}")
# A dry run rolls back, so it need not spend argon2's time on every plain-text password.
DRY_RUN_HASH = "$argon2id$dry-run"  # noqa: S105 (never stored: the dry run rolls back)


def bounded(value, what: str, limit: int, *, required: bool = False) -> str:
    """Stripped text that fits its column, or BadRow."""
    value = text(value)
    if required and not value:
        raise BadRow(f"{what} is empty")
    if len(value) > limit:
        raise BadRow(f"{what} is longer than {limit} characters")
    refuse_nul(value, what)
    return value


def refuse_nul(value: str, what: str) -> None:
    """PostgreSQL cannot store NUL in text, and would refuse the whole import for one."""
    if "\x00" in value:
        raise BadRow(f"{what} contains a NUL character")


def as_form_would(check: Callable, *args):
    """Run a check of the web forms; the message it shows there is the row's reason here."""
    try:
        return check(*args)
    except DomainError as error:
        raise BadRow(error.message) from None


def one_line(value, what: str, label: str, limit: int, *, required: bool = False) -> str:
    """Like `bounded`, and a single line as the forms require of names (label: the form's)."""
    value = bounded(value, what, limit, required=required)
    as_form_would(check_single_line, value, label, what)
    return value


def menu_price(row: dict) -> int:
    """The menu's price within the range the menu form allows, or BadRow."""
    price = as_int(row.get("price"), "price")
    if not 0 <= price <= MAX_PRICE:
        raise BadRow(f"price {price} is outside 0 to {MAX_PRICE} yen")
    return price


def import_shops(run: "ImportRun") -> None:
    """Create a shop for every distinct shop_name the four tables mention."""
    names = dict.fromkeys(text(row.get("shop_name")) for rows in run.rows.values() for row in rows)
    names.pop("", None)
    existing = dict(db.session.execute(sa.select(Shop.name, Shop.id)).all())
    new_names = []
    for name in names:
        run.report.read("shop_name")
        if run.shops.get(name) is not None:
            run.report.already("shop_name")
        elif reason := _bad_shop_name(name):
            run.report.bad("shop_name", name, reason)
        elif name in existing:
            run.shops.add(name, existing[name])
            run.report.already("shop_name")
        else:
            new_names.append(name)
    if new_names:
        ids = db.session.scalars(
            sa.insert(Shop).returning(Shop.id, sort_by_parameter_order=True),
            [{"name": name} for name in new_names],
        ).all()
        for name, shop_id in zip(new_names, ids, strict=True):
            run.shops.add(name, shop_id)
            run.report.imported("shop_name")


def _bad_shop_name(name: str) -> str | None:
    try:
        one_line(name, "shop name", "店舗名", 100)
    except BadRow as reason:
        return str(reason)
    return None


def import_companies(run: "ImportRun") -> None:
    """Create the companies and link each to the shop named in its shop_name."""
    existing = dict(db.session.execute(sa.select(Company.name, Company.id)).all())
    seen: dict[str, int] = {}  # name -> legacy id, for duplicates inside the file
    links: list[tuple[int, int]] = []  # (legacy company id, shop id)

    def convert(legacy_id: int, row: dict) -> dict | None:
        shop_name = text(row.get("shop_name"))
        if shop_name and run.shops.get(shop_name) is None:
            raise BadRow(f"its shop {shop_name!r} was not imported")
        name = one_line(row.get("name"), "name", "会社名", 100, required=True)
        if name in seen:
            raise BadRow(f"the name {name!r} is also used by Company {seen[name]}")
        created_at = parse_jst(row.get("created_at"), "created_at") or run.now
        values = {
            "name": name,
            "tel": one_line(row.get("tel"), "tel", "電話番号", 30),
            "disabled": as_flag(row.get("disabled")),
            "created_at": created_at,
            "updated_at": created_at,
        }
        seen[name] = legacy_id
        if shop_name:
            links.append((legacy_id, run.shops.get(shop_name)))
        if name in existing:
            run.companies.add(legacy_id, existing[name])
            return None
        return values

    new_rows = run.new_rows("Company", "company_id", run.companies, convert)
    run.insert("Company", Company, run.companies, new_rows)
    link_companies_to_shops(run, {(run.companies.get(cid), shop_id) for cid, shop_id in links})


def link_companies_to_shops(run: "ImportRun", pairs: set[tuple[int, int]]) -> None:
    """Add the company-shop links that do not exist yet."""
    if pairs:
        added = db.session.scalars(
            pg_insert(company_shops)
            .values([{"company_id": company, "shop_id": shop} for company, shop in sorted(pairs)])
            .on_conflict_do_nothing()
            .returning(company_shops.c.company_id)
        ).all()
        run.report.company_shop_links += len(added)


def import_menus(run: "ImportRun") -> None:
    """Create the menus under the shop named in their shop_name.

    A menu whose shop already has one of that name becomes that menu: orders keep the
    price of their own legacy menu row, so nothing is lost.
    """
    existing = {
        (shop_id, name): menu_id
        for menu_id, shop_id, name in db.session.execute(
            sa.select(Menu.id, Menu.shop_id, Menu.name)
        )
    }
    pending: dict[tuple[int, str], int] = {}  # (shop, name) -> legacy id of a new row
    duplicates: list[tuple[int, tuple[int, str]]] = []
    for row in run.rows["Menu"]:  # orders need the price even of menus imported earlier
        with suppress(BadRow):  # reported below
            run.menu_prices[as_id(row.get("menu_id"))] = menu_price(row)

    def convert(legacy_id: int, row: dict) -> dict | None:
        price = menu_price(row)
        shop_name = text(row.get("shop_name"))
        shop_id = run.shops.get(shop_name) if shop_name else None
        if shop_id is None:
            raise BadRow(
                f"its shop {shop_name!r} was not imported" if shop_name else "shop_name is empty"
            )
        name = one_line(row.get("name"), "name", "メニュー名", 100, required=True)
        created_at = parse_jst(row.get("created_at"), "created_at") or run.now
        values = {
            "shop_id": shop_id,
            "name": name,
            "price": price,
            "description": bounded(row.get("description"), "description", 500),
            "active": not as_flag(row.get("disabled")),
            "created_at": created_at,
            "updated_at": parse_jst(row.get("updated_at"), "updated_at") or created_at,
        }
        key = (shop_id, name)
        if key in existing:
            run.menus.add(legacy_id, existing[key])
            return None
        if key in pending:
            duplicates.append((legacy_id, key))
            return None
        pending[key] = legacy_id
        return values

    new_rows = run.new_rows("Menu", "menu_id", run.menus, convert)
    new_ids = run.insert("Menu", Menu, run.menus, new_rows)
    for legacy_id, key in duplicates:
        run.menus.add(legacy_id, new_ids[pending[key]])


def import_users(run: "ImportRun") -> None:
    """Create the users with their roles; plain passwords are hashed, bcrypt hashes kept."""
    # As the forms see them: an old full-width name takes its half-width twin.
    taken = set(db.session.scalars(sa.select(normalized_username_column())))
    seen: dict[str, int] = {}

    def convert(legacy_id: int, row: dict) -> dict:
        username = bounded(row.get("username"), "username", 64, required=True)
        username = as_form_would(clean_username, username)  # ｓａｔｏ is sato, as in the forms
        if username in seen:
            raise BadRow(f"the username {username!r} is also used by User {seen[username]}")
        if username in taken:
            raise BadRow(f"the username {username!r} already exists")
        updated_at = parse_jst(row.get("updated_at"), "updated_at") or run.now
        values = {
            "username": username,
            "name": one_line(row.get("name"), "name", "氏名", 100) or username,
            **_role_scope(run, row),
            "default_menu_id": _default_menu(run, row.get("menu_id")),
            "created_at": updated_at,  # the old table had no created_at
            "updated_at": updated_at,
            "password_hash": _password_hash(run, row.get("password")),  # last: it is slow
        }
        seen[username] = legacy_id
        return values

    run.insert("User", User, run.users, run.new_rows("User", "user_id", run.users, convert))


def _role_scope(run: "ImportRun", row: dict) -> dict:
    permission = as_int(row.get("permission"), "permission")
    role = ROLES.get(permission)
    if role is None:
        raise BadRow(f"unknown permission {permission} (1, 2, 10 or 99 expected)")
    scope = {"role": role, "company_id": None, "shop_id": None}
    if role in (Role.STAFF, Role.MANAGER):
        if not text(row.get("company_id")):
            raise BadRow(f"a {role} user needs a company_id")
        company_id = run.companies.get(as_id(row.get("company_id"), "company_id"))
        if company_id is None:
            raise BadRow(f"its Company {text(row.get('company_id'))} was not imported")
        scope["company_id"] = company_id
    elif role == Role.SHOP:
        shop_name = text(row.get("shop_name"))
        scope["shop_id"] = run.shops.get(shop_name) if shop_name else None
        if scope["shop_id"] is None:
            raise BadRow(
                f"its shop {shop_name!r} was not imported"
                if shop_name
                else "a shop user needs a shop_name"
            )
    return scope


def _password_hash(run: "ImportRun", password) -> str:
    # Not stripped: spaces may be part of a plain-text password.
    password = "" if password is None else str(password)
    if not password:
        raise BadRow("password is empty")
    refuse_nul(password, "password")  # nobody could type it at the login form either
    if password.startswith(BCRYPT_PREFIXES):
        if not BCRYPT_HASH.fullmatch(password):
            raise BadRow("password looks like a bcrypt hash but is not a valid one")
        return password  # verifies at login and is replaced by argon2id then
    return DRY_RUN_HASH if run.dry_run else hash_password(password)


def _default_menu(run: "ImportRun", menu_id) -> int | None:
    if not text(menu_id):
        return None
    try:
        return run.menus.get(as_id(menu_id, "menu_id"))
    except BadRow:
        return None  # a favourite menu is a convenience, not worth losing the user over
