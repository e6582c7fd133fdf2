"""Column helpers shared by the models."""

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

# Ids are PostgreSQL integers: a larger one cannot exist, and sent to SQL it is an error.
MAX_ID = 2**31 - 1


def created_at_column() -> Mapped[datetime]:
    return mapped_column(sa.DateTime(timezone=True), server_default=sa.func.now())


def updated_at_column() -> Mapped[datetime]:
    return mapped_column(
        sa.DateTime(timezone=True), server_default=sa.func.now(), onupdate=sa.func.now()
    )
