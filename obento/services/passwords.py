"""Password hashing: argon2id for new hashes; bcrypt hashes from the old system still verify."""

import bcrypt
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

_hasher = PasswordHasher()  # argon2id with the library's current recommended parameters
# Verified against when the username is unknown, so both failures take the same time.
_DUMMY_HASH = _hasher.hash("obento-timing-equaliser")


def configure_hasher(**parameters) -> None:
    """Use these argon2id parameters (time_cost, memory_cost, parallelism) from now on.

    Existing hashes made with other parameters still verify and are re-hashed at the next
    successful login (`needs_rehash`). The test suite uses cheap parameters.
    """
    global _hasher, _DUMMY_HASH
    _hasher = PasswordHasher(**parameters)
    _DUMMY_HASH = _hasher.hash("obento-timing-equaliser")


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def verify_password(password_hash: str | None, password: str) -> bool:
    """Return whether `password` matches; an unknown user (None) costs the same time."""
    if password_hash is None:
        _verify_argon2(_DUMMY_HASH, password)
        return False
    if password_hash.startswith(("$2a$", "$2b$", "$2y$")):
        try:
            return bcrypt.checkpw(password.encode(), password_hash.encode())
        except ValueError:
            return False
    return _verify_argon2(password_hash, password)


def needs_rehash(password_hash: str) -> bool:
    """Return whether the hash should be replaced by a current argon2id hash."""
    if not password_hash.startswith("$argon2"):
        return True
    try:
        return _hasher.check_needs_rehash(password_hash)
    except InvalidHashError:
        return True


def _verify_argon2(password_hash: str, password: str) -> bool:
    try:
        return _hasher.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False
