"""Importing a database of the original SQLite-era application (`flask obento import-sqlite`).

`source` reads the old file and its loosely typed values, `entities` and `orders` turn rows
into new ones, `idmap` remembers what was imported (table `legacy_id_map`) so a second run
skips it, and `report` counts what happened.
"""

from obento.legacy_import.report import ImportReport
from obento.legacy_import.run import import_sqlite
from obento.legacy_import.source import LegacyImportError

__all__ = ["ImportReport", "LegacyImportError", "import_sqlite"]
