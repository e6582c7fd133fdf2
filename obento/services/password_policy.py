"""What makes a password acceptable: long enough, not a well-known one.

Long passphrases and any Unicode are welcome; there are no composition rules (NIST SP
800-63B). The list of common passwords is zxcvbn's (from real leaked-password frequency data).
"""

from functools import cache

from obento.services import DomainError

MIN_LENGTH = 8
MAX_LENGTH = 1024
# The most common passwords by rank; with the length rule this refuses ~3,400 of them.
COMMON_PASSWORDS_CHECKED = 10_000


@cache
def _common_passwords() -> frozenset[str]:
    # Imported on first use: zxcvbn's lists take ~12 MB, and only a worker that sets a
    # password needs them (every gunicorn worker would otherwise hold them from the start).
    from zxcvbn.frequency_lists import FREQUENCY_LISTS

    return frozenset(FREQUENCY_LISTS["passwords"][:COMMON_PASSWORDS_CHECKED])


def check_password_policy(password: str, username: str = "") -> None:
    """Raise DomainError (field `password`) if `password` is not acceptable."""
    if len(password) < MIN_LENGTH:
        raise DomainError(f"パスワードは{MIN_LENGTH}文字以上にしてください。", field="password")
    if len(password) > MAX_LENGTH:
        raise DomainError(f"パスワードは{MAX_LENGTH}文字以内にしてください。", field="password")
    lowered = password.lower()
    if lowered in _common_passwords() or lowered.strip("0123456789!") in _common_passwords():
        raise DomainError(
            "よく使われていて推測されやすいパスワードです。別のパスワードにしてください。",
            field="password",
        )
    if username and lowered == username.lower():
        raise DomainError("ユーザー名と同じパスワードは使えません。", field="password")
