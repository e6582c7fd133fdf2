"""Checks shared by every name a user types (people, companies, shops, menus)."""

import unicodedata

from obento.services import DomainError


def has_control_chars(value: str) -> bool:
    return any(unicodedata.category(char) == "Cc" for char in value)


def check_single_line(value: str, label: str, field: str) -> None:
    """Refuse line breaks and control characters: names are shown in lists and log lines."""
    if has_control_chars(value):
        raise DomainError(f"{label}に改行や制御文字は使えません。", field=field)
