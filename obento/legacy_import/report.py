"""What an import read, wrote, found already there and could not import."""

from dataclasses import dataclass, field

# Report order: the source tables, plus the shops made from their shop_name strings.
REPORT_TABLES = ("shop_name", "Company", "Menu", "User", "Orders")


def shown(source_id) -> str:
    """The source id as one report line can show it (a shop name may hold a line break)."""
    source_id = str(source_id)
    return source_id if source_id.isprintable() else repr(source_id)


@dataclass
class TableCount:
    read: int = 0
    imported: int = 0
    already: int = 0  # imported by an earlier run, or matched to an existing row by name
    skipped: int = 0


@dataclass(frozen=True)
class BadRowReport:
    table: str
    source_id: str
    reason: str


@dataclass(frozen=True)
class RenumberedRow:
    table: str
    source_id: int
    new_id: int
    reason: str


@dataclass
class ImportReport:
    source: str
    dry_run: bool
    counts: dict[str, TableCount] = field(
        default_factory=lambda: {table: TableCount() for table in REPORT_TABLES}
    )
    bad_rows: list[BadRowReport] = field(default_factory=list)
    renumbered_rows: list[RenumberedRow] = field(default_factory=list)
    company_shop_links: int = 0

    def read(self, table: str) -> None:
        self.counts[table].read += 1

    def imported(self, table: str) -> None:
        self.counts[table].imported += 1

    def already(self, table: str) -> None:
        self.counts[table].already += 1

    def bad(self, table: str, source_id, reason: str) -> None:
        self.counts[table].skipped += 1
        self.bad_rows.append(BadRowReport(table, shown(source_id), reason))

    def renumbered(self, table: str, source_id: int, new_id: int, reason: str) -> None:
        self.renumbered_rows.append(RenumberedRow(table, source_id, new_id, reason))

    def lines(self) -> list[str]:
        """The report as printed by the command."""
        lines = [f"{'Dry run of the import' if self.dry_run else 'Import'} of {self.source}:"]
        for table, count in self.counts.items():
            label = "shops (shop_name)" if table == "shop_name" else table
            lines.append(
                f"  {label:<18} read {count.read:>6}  imported {count.imported:>6}"
                f"  already there {count.already:>6}  skipped {count.skipped:>6}"
            )
        lines.append(f"  company-shop links added: {self.company_shop_links}")
        if self.renumbered_rows:
            # A dry run's new ids come from sequences that a real run will have moved on.
            note = " (a dry run's new ids are examples)" if self.dry_run else ""
            lines.append(f"Rows imported under a new id ({len(self.renumbered_rows)}){note}:")
            lines.extend(
                f"  {row.table} {row.source_id} -> {row.new_id}: {row.reason}"
                for row in self.renumbered_rows
            )
        if self.bad_rows:
            lines.append(f"Rows that cannot be imported ({len(self.bad_rows)}):")
            lines.extend(f"  {row.table} {row.source_id}: {row.reason}" for row in self.bad_rows)
        return lines

    def summary(self) -> str:
        """One log line: imported/skipped per table."""
        return " ".join(
            f"{table}={count.imported}/{count.skipped}" for table, count in self.counts.items()
        )
