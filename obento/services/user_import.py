"""Importing users from a CSV file: a full preview first, then all lines or none.

Columns are found by their header (English or Japanese): username, name, role, company,
shop, default menu, initial password, employee code. A blank password is generated and shown
once after the import. The file may be UTF-8 (with or without BOM) or Shift_JIS/cp932, the
encodings Japanese Excel writes.
"""

import csv
import io
from dataclasses import dataclass, field

import sqlalchemy as sa

from obento.extensions import db
from obento.models import Company, Menu, Role, Shop, company_shops
from obento.models.user import ROLE_LABELS
from obento.services import DomainError
from obento.services.password_policy import check_password_policy
from obento.services.users import (
    check_employee_code_free,
    check_user_texts,
    clean_username,
    create_user,
    employee_code_holders,
    generate_password,
    normalize_username,
    normalized_username_column,
)

# Each new password is hashed with argon2id (~0.2 s on a small server): 100 lines keep the
# import request well inside gunicorn's 30 s timeout. Larger lists go in several files.
MAX_LINES = 100
# A role may be written as its value (staff) or its Japanese label (注文者).
ROLES_BY_TEXT = {text: role for role, label in ROLE_LABELS.items() for text in (role.value, label)}
HEADERS = {
    "username": ("username", "ユーザー名", "ログインid"),
    "name": ("name", "氏名", "名前"),
    "role": ("role", "権限"),
    "company": ("company", "会社", "会社名"),
    "shop": ("shop", "店舗", "店舗名"),
    "default_menu": ("default menu", "default_menu", "お気に入り", "お気に入りメニュー"),
    "password": ("initial password", "initial_password", "password", "初期パスワード"),
    "employee_code": ("employee code", "employee_code", "社員番号"),
}


@dataclass
class ImportLine:
    number: int  # the line number in the file (the header is line 1)
    username: str
    name: str
    role: str
    company: Company | None = None
    shop: Shop | None = None
    menu: Menu | None = None
    password: str = ""
    employee_code: str = ""
    errors: list[str] = field(default_factory=list)
    generated: bool = False


@dataclass
class ImportPreview:
    lines: list[ImportLine]

    @property
    def bad_lines(self) -> list[ImportLine]:
        return [line for line in self.lines if line.errors]

    @property
    def ok(self) -> bool:
        return bool(self.lines) and not self.bad_lines


def decode_csv(data: bytes) -> str:
    """Return the file's text: UTF-8 (BOM or not) first, then Shift_JIS (cp932)."""
    if not data.strip():
        raise DomainError("ファイルが空です。", field="file")
    if data.startswith(b"\xef\xbb\xbf"):
        text = _decode(data[3:], ("utf-8",))
    else:
        text = _decode(data, ("utf-8", "cp932"))
    if text is None:
        raise DomainError(
            "文字コードを判別できません。UTF-8 か Shift_JIS で保存してください。", field="file"
        )
    if "\x00" in text:  # PostgreSQL cannot compare or store it
        raise DomainError("ファイルに使えない文字（NUL）が含まれています。", field="file")
    return text


def _decode(data: bytes, encodings: tuple[str, ...]) -> str | None:
    for encoding in encodings:
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    return None


def _columns(header: list[str]) -> dict[str, int]:
    wanted = {alias: key for key, aliases in HEADERS.items() for alias in aliases}
    columns = {}
    for index, title in enumerate(header):
        key = wanted.get(title.strip().lower())
        if key and key not in columns:
            columns[key] = index
    missing = [HEADERS[key][1] for key in ("username", "name") if key not in columns]
    if missing:
        raise DomainError(
            "1行目に列名（" + "、".join(missing) + "）が見つかりません。"
            "1行目は見出し（ユーザー名,氏名,権限,会社,店舗,お気に入り,初期パスワード）"
            "にしてください。",
            field="file",
        )
    return columns


def _rows(text: str) -> tuple[dict[str, int], list[tuple[int, list[str]]]]:
    try:
        rows = list(csv.reader(io.StringIO(text, newline="")))
    except csv.Error as error:
        raise DomainError(f"CSVとして読み取れません（{error}）。", field="file") from None
    if not rows:
        raise DomainError("ファイルが空です。", field="file")
    columns = _columns(rows[0])
    body = [
        (number, row) for number, row in enumerate(rows[1:], start=2) if any(c.strip() for c in row)
    ]
    if not body:
        raise DomainError("見出しのほかに、登録する行がありません。", field="file")
    if len(body) > MAX_LINES:
        raise DomainError(
            f"一度に取り込めるのは{MAX_LINES}人までです。ファイルを分けてください。", field="file"
        )
    return columns, body


def preview_import(text: str, *, company: Company | None = None) -> ImportPreview:
    """Check every line without writing anything; `company` limits it to that company's staff."""
    columns, body = _rows(text)

    def cell(row, key):
        index = columns.get(key)
        return row[index].strip() if index is not None and index < len(row) else ""

    cells = {number: {key: cell(row, key) for key in HEADERS} for number, row in body}
    lines = [
        ImportLine(
            number=number,
            username=values["username"],
            name=values["name"],
            role=values["role"],
            password=values["password"],
            employee_code=values["employee_code"],
        )
        for number, values in cells.items()
    ]
    lookups = _Lookups(
        usernames={normalize_username(line.username) for line in lines},
        companies={cells[line.number]["company"] for line in lines},
        shops={cells[line.number]["shop"] for line in lines},
        scope=company,
    )
    seen: dict[object, int] = {}  # usernames, and ("employee_code", company id, code)
    for line in lines:
        _check_line(line, cells[line.number], lookups, seen, company)
    return ImportPreview(lines)


class _Lookups:
    """Everything the lines refer to, fetched with a few queries for the whole file."""

    def __init__(self, usernames, companies, shops, scope: Company | None):
        stored = normalized_username_column()
        self.taken = set(db.session.scalars(sa.select(stored).where(stored.in_(usernames))))
        self.companies = {
            c.name: c
            for c in db.session.scalars(sa.select(Company).where(Company.name.in_(companies)))
        }
        self.shops = {
            s.name: s for s in db.session.scalars(sa.select(Shop).where(Shop.name.in_(shops)))
        }
        self._menus: dict[int, dict[str, list[Menu]]] = {}
        company_ids = {company.id for company in self.companies.values()}
        self.code_holders = employee_code_holders(company_ids | ({scope.id} if scope else set()))

    def menus(self, company_id: int) -> dict[str, list[Menu]]:
        if company_id not in self._menus:
            found: dict[str, list[Menu]] = {}
            for menu in db.session.scalars(
                sa.select(Menu)
                .join(company_shops, company_shops.c.shop_id == Menu.shop_id)
                .where(company_shops.c.company_id == company_id, Menu.active)
            ):
                found.setdefault(menu.name, []).append(menu)
            self._menus[company_id] = found
        return self._menus[company_id]


def _role(text: str) -> str | None:
    return ROLES_BY_TEXT.get(text.lower()) if text else Role.STAFF


def _check_line(
    line: ImportLine, cells: dict, lookups: _Lookups, seen: dict, scope: Company | None
):
    errors = line.errors
    try:  # the rules of the user forms, which create_user checks again on import
        line.username = clean_username(line.username)
    except DomainError as error:
        errors.append(error.message)
    else:
        if line.username in lookups.taken:
            errors.append(f"ユーザー名「{line.username}」はすでに使われています。")
        elif line.username in seen:
            errors.append(
                f"ユーザー名「{line.username}」が{seen[line.username]}行目と重複しています。"
            )
        else:
            seen[line.username] = line.number
    try:
        if not line.name:
            raise DomainError("氏名が空です。")
        check_user_texts(line.name, line.employee_code)
    except DomainError as error:
        errors.append(error.message)
    role = _role(line.role)
    if role is None:
        errors.append(
            f"権限「{line.role}」は使えません（注文者・会社代表・店舗・管理者のいずれか）。"
        )
        return
    line.role = role
    if scope is not None and role != Role.STAFF:
        errors.append("会社代表が登録できるのは注文者だけです。")
        return
    _check_belonging(line, cells, lookups, scope)
    if line.company is not None and line.role in (Role.STAFF, Role.MANAGER):
        _check_employee_code(line, lookups, seen)
    if line.password:
        try:
            check_password_policy(line.password, line.username)
        except DomainError as error:
            errors.append(error.message)  # it names the password


def _check_employee_code(line: ImportLine, lookups: _Lookups, seen: dict) -> None:
    """The code must be free in the company, and appear once in the file for it."""
    if not line.employee_code:
        return
    try:
        check_employee_code_free(line.employee_code, line.company.id, holders=lookups.code_holders)
    except DomainError as error:
        line.errors.append(error.message)
        return
    key = ("employee_code", line.company.id, line.employee_code)
    if key in seen:
        line.errors.append(f"社員番号「{line.employee_code}」が{seen[key]}行目と重複しています。")
    else:
        seen[key] = line.number


def _check_belonging(line: ImportLine, cells: dict, lookups: _Lookups, scope: Company | None):
    errors, company_name, shop_name = line.errors, cells["company"], cells["shop"]
    if line.role in (Role.STAFF, Role.MANAGER):
        if shop_name:
            errors.append("注文者・会社代表には店舗を指定できません。")
        if scope is not None:
            if company_name and company_name != scope.name:
                errors.append(f"ほかの会社「{company_name}」の社員は登録できません。")
            line.company = scope
        elif not company_name:
            errors.append("会社が空です。")
        else:
            line.company = lookups.companies.get(company_name)
            if line.company is None:
                errors.append(f"会社「{company_name}」は登録されていません。")
        menu_name = cells["default_menu"]
        if menu_name and line.company is not None:
            menus = lookups.menus(line.company.id).get(menu_name, [])
            if len(menus) == 1:
                line.menu = menus[0]
            elif menus:
                errors.append(f"メニュー「{menu_name}」が複数の店舗にあり、特定できません。")
            else:
                errors.append(f"メニュー「{menu_name}」はこの会社に配達する店舗にありません。")
    else:
        if company_name:
            errors.append("店舗ユーザー・管理者には会社を指定できません。")
        if cells["default_menu"]:
            errors.append("お気に入りメニューは注文者・会社代表だけに指定できます。")
        if line.role == Role.SHOP:
            if not shop_name:
                errors.append("店舗が空です。")
            else:
                line.shop = lookups.shops.get(shop_name)
                if line.shop is None:
                    errors.append(f"店舗「{shop_name}」は登録されていません。")
        elif shop_name:
            errors.append("管理者には店舗を指定できません。")


def import_users(text: str, *, company: Company | None = None) -> ImportPreview:
    """Create every user of the file, or none when any line is bad."""
    preview = preview_import(text, company=company)
    if not preview.ok:
        return preview
    for line in preview.lines:
        if not line.password:
            line.password, line.generated = generate_password(), True
        user = create_user(
            username=line.username,
            password=line.password,
            name=line.name,
            role=line.role,
            company=line.company,
            shop=line.shop,
            employee_code=line.employee_code,
        )
        user.default_menu_id = line.menu.id if line.menu else None
    db.session.flush()
    return preview
