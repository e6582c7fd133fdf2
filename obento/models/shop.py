"""Bento shops, their ordering rules and closed days."""

from datetime import date, datetime, time

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from obento.extensions import db
from obento.models.base import created_at_column, updated_at_column
from obento.models.company import company_shops

# open_weekdays is a bit set: bit 0 = Monday ... bit 6 = Sunday (date.weekday()).
MONDAY_TO_FRIDAY = 0b0011111


class Shop(db.Model):
    __tablename__ = "shops"
    __table_args__ = (
        sa.CheckConstraint(
            "order_deadline_days_before BETWEEN 0 AND 14", name="order_deadline_days_before"
        ),
        sa.CheckConstraint("cancel_fee >= 0", name="cancel_fee"),
        sa.CheckConstraint("open_weekdays BETWEEN 0 AND 127", name="open_weekdays"),
        sa.CheckConstraint("max_days_ahead BETWEEN 1 AND 90", name="max_days_ahead"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(100), unique=True)
    tel: Mapped[str] = mapped_column(sa.String(30), default="", server_default="")
    fax: Mapped[str] = mapped_column(sa.String(30), default="", server_default="")
    email: Mapped[str] = mapped_column(sa.String(200), default="", server_default="")
    address: Mapped[str] = mapped_column(sa.String(200), default="", server_default="")
    order_deadline_days_before: Mapped[int] = mapped_column(default=1, server_default="1")
    order_deadline_time: Mapped[time] = mapped_column(
        default=time(14, 0), server_default=sa.text("'14:00'")
    )
    cancel_deadline_time: Mapped[time] = mapped_column(
        default=time(10, 30), server_default=sa.text("'10:30'")
    )
    cancel_fee: Mapped[int] = mapped_column(default=300, server_default="300")
    open_weekdays: Mapped[int] = mapped_column(
        sa.SmallInteger, default=MONDAY_TO_FRIDAY, server_default=str(MONDAY_TO_FRIDAY)
    )
    opens_on_holidays: Mapped[bool] = mapped_column(default=False, server_default=sa.false())
    max_days_ahead: Mapped[int] = mapped_column(default=14, server_default="14")
    active: Mapped[bool] = mapped_column(default=True, server_default=sa.true())
    created_at: Mapped[datetime] = created_at_column()
    updated_at: Mapped[datetime] = updated_at_column()

    companies: Mapped[list["Company"]] = relationship(  # noqa: F821
        secondary=company_shops, back_populates="shops", order_by="Company.name"
    )
    closed_days: Mapped[list["ShopClosedDay"]] = relationship(
        back_populates="shop", order_by="ShopClosedDay.day", cascade="all, delete-orphan"
    )

    def is_open_on_weekday(self, weekday: int) -> bool:
        return bool(self.open_weekdays & (1 << weekday))

    def __repr__(self) -> str:
        return f"<Shop {self.id} {self.name}>"


class ShopClosedDay(db.Model):
    __tablename__ = "shop_closed_days"
    __table_args__ = (sa.UniqueConstraint("shop_id", "day"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    shop_id: Mapped[int] = mapped_column(sa.ForeignKey("shops.id", ondelete="CASCADE"))
    day: Mapped[date]
    reason: Mapped[str] = mapped_column(sa.String(200), default="", server_default="")

    shop: Mapped[Shop] = relationship(back_populates="closed_days")


class Holiday(db.Model):
    """A day off declared by the administrator besides Japan's national holidays (jpholiday).

    Year-end days (年末年始) or a national holiday newer than the installed jpholiday: every
    shop that does not open on holidays treats it as one.
    """

    __tablename__ = "holidays"

    id: Mapped[int] = mapped_column(primary_key=True)
    day: Mapped[date] = mapped_column(unique=True)
    name: Mapped[str] = mapped_column(sa.String(100))
    created_at: Mapped[datetime] = created_at_column()
