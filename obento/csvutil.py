"""CSV downloads that open correctly in Japanese Excel.

Excel on a Japanese Windows reads a CSV as Shift_JIS unless the file starts with a UTF-8 byte
order mark, so the bytes are UTF-8 with a BOM, and lines end in CRLF as Excel writes them.

Keeping leading zeros: quoting a cell does *not* help, Excel still converts `"0312345678"` to
the number 312345678 (and `"1-2"` to a date). The one form Excel reliably keeps as text when
it opens a CSV by double-click is a formula that yields a string, `="0312345678"`, so
`excel_text` writes number-like text (phone numbers, employee codes) that way. Other text a
user typed (names) is protected against CSV formula injection instead: a cell starting with
`=`, `+`, `-`, `@` or a control character gets a leading apostrophe (OWASP's advice).
"""

import csv
import io
import re
from collections.abc import Iterable

from flask import Response

# What Excel would read as a number, a date or a time: 0312345678, 03-1234-5678, 00E1 (a
# power of ten), 1/2 (a date), 1:30 (a time), 00.5, 1,000; full-width digits count too.
_NUMBER_LIKE = re.compile(r"\d[\d\-/.:,eE+ ]*")
# Full-width signs too: Japanese input may type them, and Excel may read them as the ASCII ones.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "|", "＝", "＋", "－", "＠")


def excel_text(value: str | None) -> str:
    """Return `value` in a form Excel shows verbatim, leading zeros included."""
    value = value or ""
    if _NUMBER_LIKE.fullmatch(value):
        return f'="{value}"'
    return safe_cell(value)


def safe_cell(value: str | None) -> str:
    """Return user-typed text that Excel will not run as a formula."""
    value = value or ""
    return f"'{value}" if value.startswith(_FORMULA_START) else value


def csv_response(filename: str, header: list[str], rows: Iterable[list]) -> Response:
    """Return a download of `rows` under `header`: UTF-8 with BOM, CRLF line ends."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(header)
    writer.writerows(rows)
    return Response(
        buffer.getvalue().encode("utf-8-sig"),
        content_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )
