"""People who log in, their server-side sessions and login attempts."""

import enum
from datetime import datetime

import sqlalchemy as sa
from flask_login import UserMixin
from sqlalchemy.orm import Mapped, mapped_column, relationship

from obento.extensions import db
from obento.models.base import created_at_column, updated_at_column


class Role(enum.StrEnum):
    STAFF = "staff"
    MANAGER = "manager"
    SHOP = "shop"
    ADMIN = "admin"

    @property
    def label(self) -> str:
        return ROLE_LABELS[self]


ROLE_LABELS = {
    Role.STAFF: "注文者",
    Role.MANAGER: "会社代表",
    Role.SHOP: "店舗",
    Role.ADMIN: "管理者",
}


class User(UserMixin, db.Model):
    __tablename__ = "users"
    __table_args__ = (
        sa.CheckConstraint("role IN ('staff', 'manager', 'shop', 'admin')", name="role"),
        sa.CheckConstraint(
            "(role IN ('staff', 'manager') AND company_id IS NOT NULL AND shop_id IS NULL)"
            " OR (role = 'shop' AND shop_id IS NOT NULL AND company_id IS NULL)"
            " OR (role = 'admin' AND company_id IS NULL AND shop_id IS NULL)",
            name="role_scope",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(sa.String(64), unique=True)
    password_hash: Mapped[str] = mapped_column(sa.String(255))
    name: Mapped[str] = mapped_column(sa.String(100))
    employee_code: Mapped[str] = mapped_column(sa.String(32), default="", server_default="")
    role: Mapped[str] = mapped_column(sa.String(16))
    company_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("companies.id", ondelete="RESTRICT"), index=True
    )
    shop_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("shops.id", ondelete="RESTRICT"), index=True
    )
    default_menu_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("menus.id", ondelete="SET NULL")
    )
    active: Mapped[bool] = mapped_column(default=True, server_default=sa.true())
    created_at: Mapped[datetime] = created_at_column()
    updated_at: Mapped[datetime] = updated_at_column()

    company: Mapped["Company | None"] = relationship()  # noqa: F821
    shop: Mapped["Shop | None"] = relationship()  # noqa: F821
    default_menu: Mapped["Menu | None"] = relationship()  # noqa: F821

    @property
    def is_active(self) -> bool:  # Flask-Login: a disabled user is logged out at once
        return self.active

    @property
    def role_label(self) -> str:
        return Role(self.role).label

    def has_role(self, *roles: str) -> bool:
        return self.role in roles

    def __repr__(self) -> str:
        return f"<User {self.id} {self.username} {self.role}>"


class UserSession(db.Model):
    """One login: the cookie holds a random token, this row holds its hash.

    Deleting the row ends the login, whoever holds a copy of the cookie.
    """

    __tablename__ = "user_sessions"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), index=True)
    token_hash: Mapped[str] = mapped_column(sa.String(64), unique=True)
    created_at: Mapped[datetime] = created_at_column()
    last_seen_at: Mapped[datetime] = mapped_column(
        sa.DateTime(timezone=True), server_default=sa.func.now()
    )

    user: Mapped[User] = relationship()


class LoginAttempt(db.Model):
    """Failed and successful logins, shared by every worker for throttling."""

    __tablename__ = "login_attempts"
    __table_args__ = (
        sa.Index("ix_login_attempts_username_at", "username", "at"),
        sa.Index("ix_login_attempts_address_at", "address", "at"),
    )

    id: Mapped[int] = mapped_column(sa.BigInteger, primary_key=True)
    username: Mapped[str] = mapped_column(sa.String(64))
    address: Mapped[str] = mapped_column(sa.String(64))
    succeeded: Mapped[bool]
    at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), server_default=sa.func.now())
