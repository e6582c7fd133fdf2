"""Checks shared by every name a user types (people, companies, shops, menus)."""

import unicodedata

import sqlalchemy as sa

from obento.extensions import db
from obento.services import DomainError


def has_control_chars(value: str) -> bool:
    return any(unicodedata.category(char) == "Cc" for char in value)


def check_single_line(value: str, label: str, field: str) -> None:
    """Refuse line breaks and control characters: names are shown in lists and log lines."""
    if has_control_chars(value):
        raise DomainError(f"{label}に改行や制御文字は使えません。", field=field)


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
