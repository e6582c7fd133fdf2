"""What `flask obento import-sqlite` imported from the original SQLite application."""

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from obento.extensions import db


class LegacyIdMap(db.Model):
    """One imported source row and the row it became; a second import skips it.

    `source_id` is text because shops had no id in the old system: their source is the
    `shop_name` string itself (source_table "shop_name").
    """

    __tablename__ = "legacy_id_map"

    source_table: Mapped[str] = mapped_column(sa.String(32), primary_key=True)
    source_id: Mapped[str] = mapped_column(sa.String(200), primary_key=True)
    target_table: Mapped[str] = mapped_column(sa.String(32))
    target_id: Mapped[int]
    imported_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True))

    def __repr__(self) -> str:
        source = f"{self.source_table}:{self.source_id}"
        return f"<LegacyIdMap {source} -> {self.target_table}:{self.target_id}>"
