"""The legacy id -> new id mapping, and inserting rows under their legacy ids."""

from datetime import datetime

import sqlalchemy as sa

from obento.extensions import db
from obento.models import LegacyIdMap

# Legacy ids up to this are kept; a larger one (the original's INTEGER ids went up to 2**63)
# gets a new id. The id sequences, PostgreSQL integers, then still have over a billion ids
# left after the highest kept one: kept as it was, an id of 2147483647 would have exhausted
# the sequence, and every new user, order or menu after the import would have failed.
KEPT_ID_MAX = 1_000_000_000


class IdMap:
    """Source rows already imported (by earlier runs or this one) for one source table."""

    def __init__(self, source_table: str, target_table: str):
        self.source_table = source_table
        self.target_table = target_table
        self.targets: dict[str, int] = dict(
            db.session.execute(
                sa.select(LegacyIdMap.source_id, LegacyIdMap.target_id).where(
                    LegacyIdMap.source_table == source_table
                )
            ).all()
        )
        self._new: dict[str, int] = {}

    def get(self, source_id) -> int | None:
        return self.targets.get(str(source_id))

    def add(self, source_id, target_id: int) -> None:
        self.targets[str(source_id)] = target_id
        self._new[str(source_id)] = target_id

    def save(self, imported_at: datetime) -> None:
        """Write the mappings added in this run."""
        if self._new:
            db.session.execute(
                sa.insert(LegacyIdMap),
                [
                    {
                        "source_table": self.source_table,
                        "source_id": source_id,
                        "target_table": self.target_table,
                        "target_id": target_id,
                        "imported_at": imported_at,
                    }
                    for source_id, target_id in self._new.items()
                ],
            )


def insert_keeping_ids(
    table: sa.Table, rows: list[tuple[int, dict]]
) -> tuple[dict[int, int], dict[int, str]]:
    """Insert (legacy id, values) rows, each under its legacy id when that id can be kept.

    A legacy id is kept when it is free and at most KEPT_ID_MAX; the other rows get a fresh
    id from the sequence, after the sequence has been moved past every id inserted here.
    Returns legacy id -> new id, and legacy id -> why it was not kept.
    """
    if not rows:
        return {}, {}
    taken = set(db.session.scalars(sa.select(table.c.id)))
    not_kept = {}
    for legacy_id, _ in rows:
        if legacy_id > KEPT_ID_MAX:
            not_kept[legacy_id] = f"id above {KEPT_ID_MAX:,}"
        elif legacy_id in taken:
            not_kept[legacy_id] = "id already taken"
    kept = [(legacy_id, values) for legacy_id, values in rows if legacy_id not in not_kept]
    moved = [(legacy_id, values) for legacy_id, values in rows if legacy_id in not_kept]
    new_ids = {legacy_id: legacy_id for legacy_id, _ in kept}
    if kept:
        db.session.execute(sa.insert(table), [{**values, "id": lid} for lid, values in kept])
        advance_sequence(table)
    if moved:
        fresh = db.session.scalars(
            sa.insert(table).returning(table.c.id, sort_by_parameter_order=True),
            [values for _, values in moved],
        ).all()
        new_ids.update(zip([legacy_id for legacy_id, _ in moved], fresh, strict=True))
    return new_ids, not_kept


def advance_sequence(table: sa.Table) -> None:
    """Move the id sequence past the highest id, never backwards (sequences ignore rollback)."""
    sequence = db.session.scalar(
        sa.text("SELECT pg_get_serial_sequence(:table, 'id')"), {"table": table.name}
    )
    highest = f"SELECT COALESCE(MAX(id), 0) FROM {table.name}"  # our own table  # noqa: S608  # nosec B608
    db.session.execute(
        sa.text(
            f"SELECT setval(CAST(:sequence AS regclass), GREATEST(({highest}),"
            " COALESCE(pg_sequence_last_value(CAST(:sequence AS regclass)), 0), 1))"
        ),
        {"sequence": sequence},
    )
