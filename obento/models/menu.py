"""What a shop sells."""

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from obento.extensions import db
from obento.models.base import created_at_column, updated_at_column


class Menu(db.Model):
    __tablename__ = "menus"
    __table_args__ = (
        sa.UniqueConstraint("shop_id", "name"),
        sa.CheckConstraint("price >= 0", name="price"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    shop_id: Mapped[int] = mapped_column(sa.ForeignKey("shops.id", ondelete="RESTRICT"))
    name: Mapped[str] = mapped_column(sa.String(100))
    price: Mapped[int]  # yen, tax included
    description: Mapped[str] = mapped_column(sa.String(500), default="", server_default="")
    allergens: Mapped[str] = mapped_column(sa.String(200), default="", server_default="")
    active: Mapped[bool] = mapped_column(default=True, server_default=sa.true())
    sort_order: Mapped[int] = mapped_column(default=0, server_default="0")
    created_at: Mapped[datetime] = created_at_column()
    updated_at: Mapped[datetime] = updated_at_column()

    shop: Mapped["Shop"] = relationship()  # noqa: F821

    def __repr__(self) -> str:
        return f"<Menu {self.id} {self.name}>"
