"""One import: the source, the id maps filled table by table, and the report."""

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

from obento.clock import utcnow
from obento.legacy_import.entities import import_companies, import_menus, import_shops, import_users
from obento.legacy_import.idmap import IdMap, insert_keeping_ids
from obento.legacy_import.orders import import_orders
from obento.legacy_import.report import ImportReport
from obento.legacy_import.source import BadRow, LegacySource, as_id


@dataclass
class ImportRun:
    source: LegacySource
    report: ImportReport
    now: datetime = field(default_factory=utcnow)
    rows: dict[str, list[dict]] = field(init=False)
    shops: IdMap = field(init=False)  # shop_name -> shops.id
    companies: IdMap = field(init=False)
    menus: IdMap = field(init=False)
    users: IdMap = field(init=False)
    orders: IdMap = field(init=False)
    menu_prices: dict[int, int] = field(default_factory=dict)  # legacy Menu id -> price

    def __post_init__(self):
        self.rows = {
            table: self.source.rows(table) for table in ("Company", "User", "Menu", "Orders")
        }
        self.shops = IdMap("shop_name", "shops")
        self.companies = IdMap("Company", "companies")
        self.menus = IdMap("Menu", "menus")
        self.users = IdMap("User", "users")
        self.orders = IdMap("Orders", "orders")

    @property
    def dry_run(self) -> bool:
        return self.report.dry_run

    def new_rows(
        self, table: str, id_column: str, id_map: IdMap, convert: Callable[[int, dict], dict | None]
    ) -> list[tuple[int, dict]]:
        """Convert the source rows not imported yet; count reads, rows already there, bad rows.

        `convert(legacy_id, row)` returns the new row's values, or None when it matched the
        row to an existing one itself; it raises BadRow for a row that cannot be imported.
        """
        converted = []
        for row in self.rows[table]:
            self.report.read(table)
            try:
                legacy_id = as_id(row.get(id_column), id_column)
                values = None if id_map.get(legacy_id) is not None else convert(legacy_id, row)
            except BadRow as reason:
                self.report.bad(table, row.get(id_column), str(reason))
                continue
            if values is None:
                self.report.already(table)
            else:
                converted.append((legacy_id, values))
        return converted

    def insert(self, table: str, model, id_map: IdMap, rows: list[tuple[int, dict]]) -> dict:
        """Insert the converted rows (keeping legacy ids when free) and map them."""
        new_ids, not_kept = insert_keeping_ids(model.__table__, rows)
        for legacy_id, target_id in new_ids.items():
            id_map.add(legacy_id, target_id)
            self.report.imported(table)
        for legacy_id, reason in not_kept.items():
            self.report.renumbered(table, legacy_id, new_ids[legacy_id], reason)
        return new_ids

    def save_maps(self) -> None:
        for id_map in (self.shops, self.companies, self.menus, self.users, self.orders):
            id_map.save(self.now)


def import_sqlite(path: str, *, dry_run: bool = False) -> ImportReport:
    """Import an original SQLite database into the current session; the caller commits.

    Rows imported by an earlier run are recognised by the saved id mapping and skipped.
    Bad rows are left out and listed in the report: the caller decides whether to commit.
    """
    source = LegacySource(path)
    try:
        run = ImportRun(source, ImportReport(source.name, dry_run))
        import_shops(run)
        import_companies(run)
        import_menus(run)
        import_users(run)
        import_orders(run)
        run.save_maps()
    finally:
        source.close()
    return run.report
