"""Creating users and checking credentials."""

import sqlalchemy as sa

from obento.extensions import db
from obento.models import Company, Role, Shop, User
from obento.services import DomainError
from obento.services.password_policy import check_password_policy
from obento.services.passwords import hash_password, needs_rehash, verify_password


def create_user(
    *,
    username: str,
    password: str,
    name: str,
    role: str,
    company: Company | None = None,
    shop: Shop | None = None,
    employee_code: str = "",
) -> User:
    """Create a user after checking the rules a form would show next to its fields."""
    username = username.strip()
    if not username:
        raise DomainError("ユーザー名を入力してください。", field="username")
    if role not in Role.__members__.values():
        raise DomainError("権限の指定が正しくありません。", field="role")
    if role in (Role.STAFF, Role.MANAGER) and company is None:
        raise DomainError("注文者と会社代表には会社を指定してください。", field="company")
    if role == Role.SHOP and shop is None:
        raise DomainError("店舗ユーザーには店舗を指定してください。", field="shop")
    check_password_policy(password, username)
    if db.session.scalar(sa.select(User.id).where(User.username == username)) is not None:
        raise DomainError("このユーザー名はすでに使われています。", field="username")
    user = User(
        username=username,
        password_hash=hash_password(password),
        name=name.strip() or username,
        role=role,
        company_id=company.id if company and role in (Role.STAFF, Role.MANAGER) else None,
        shop_id=shop.id if shop and role == Role.SHOP else None,
        employee_code=employee_code,
    )
    db.session.add(user)
    db.session.flush()
    return user


def authenticate(username: str, password: str) -> User | None:
    """Return the active user with these credentials, upgrading an old hash; else None."""
    user = db.session.scalar(sa.select(User).where(User.username == username.strip()))
    if not verify_password(user.password_hash if user else None, password):
        return None
    if not user.active:
        return None
    if needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
    return user
