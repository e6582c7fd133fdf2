"""Checks shared by every name a user types (people, companies, shops, menus), and yen."""

import unicodedata

import sqlalchemy as sa

from obento.extensions import db
from obento.services import DomainError

# Line breaks of every kind: control characters (Cc: CR, LF, NUL, ...) and the Unicode line
# and paragraph separators (Zl, Zp), which browsers and log viewers also break lines at.
_BREAKING = frozenset({"Cc", "Zl", "Zp"})
# Format characters (Cf) are invisible: zero-width spaces and joiners, bidi overrides, the
# BOM. In a name they make two names that look the same differ, or reorder what is shown.
_INVISIBLE = frozenset({"Cf"})


def _has_category(value: str, categories: frozenset[str]) -> bool:
    return any(unicodedata.category(char) in categories for char in value)


def check_single_line(value: str, label: str, field: str) -> None:
    """Refuse line breaks, control and invisible characters: names are shown in lists and logs."""
    if _has_category(value, _BREAKING):
        raise DomainError(f"{label}に改行や制御文字は使えません。", field=field)
    if _has_category(value, _INVISIBLE):
        raise DomainError(
            f"{label}に目に見えない文字（ゼロ幅スペースなど）は使えません。", field=field
        )


def check_unique_name(
    model, name: str, label: str, max_length: int, except_id=None, scope=(), taken=None
) -> str:
    """Return the stripped name, or raise (field `name`) if empty, too long, multi-line or taken.

    `scope` narrows uniqueness (e.g. a menu name is unique per shop); `taken` overrides the
    message for a name already in use.
    """
    name = name.strip()
    if not name:
        raise DomainError(f"{label}を入力してください。", field="name")
    if len(name) > max_length:
        raise DomainError(f"{label}は{max_length}文字以内にしてください。", field="name")
    check_single_line(name, label, "name")
    query = sa.select(model.id).where(model.name == name, *scope)
    if except_id is not None:
        query = query.where(model.id != except_id)
    if db.session.scalar(query) is not None:
        raise DomainError(taken or f"この{label}はすでに登録されています。", field="name")
    return name


def format_yen(amount: int) -> str:
    """`1,000円`"""
    return f"{amount:,}円"
