"""Client companies and the shops that deliver to them."""

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from obento.extensions import db
from obento.models.base import created_at_column, updated_at_column

company_shops = sa.Table(
    "company_shops",
    db.metadata,
    sa.Column("company_id", sa.ForeignKey("companies.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("shop_id", sa.ForeignKey("shops.id", ondelete="CASCADE"), primary_key=True),
    sa.Index("ix_company_shops_shop_id", "shop_id"),
)


class Company(db.Model):
    __tablename__ = "companies"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(100), unique=True)
    tel: Mapped[str] = mapped_column(sa.String(30), default="", server_default="")
    fax: Mapped[str] = mapped_column(sa.String(30), default="", server_default="")
    address: Mapped[str] = mapped_column(sa.String(200), default="", server_default="")
    disabled: Mapped[bool] = mapped_column(default=False, server_default=sa.false())
    created_at: Mapped[datetime] = created_at_column()
    updated_at: Mapped[datetime] = updated_at_column()

    shops: Mapped[list["Shop"]] = relationship(  # noqa: F821
        secondary=company_shops, back_populates="companies", order_by="Shop.name"
    )

    def __repr__(self) -> str:
        return f"<Company {self.id} {self.name}>"
