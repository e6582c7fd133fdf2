"""The application log and the order log: one file per business day each.

Each line is appended to `<LOG_DIR>/<name>-YYYY-MM-DD.log`, the date taken in the business
time zone. Opening by date instead of renaming at midnight (TimedRotatingFileHandler) keeps
several gunicorn workers from rotating the same file under each other.

Order-log lines are `key=value` fields (logfmt, see `log_fields`), so that free text such as
a closing's reason cannot run into the next field or make up one of its own.
"""

import logging
import os
import re
import unicodedata
from datetime import UTC, datetime, timedelta
from pathlib import Path

from obento.calendar import TIMEZONE, local_today

APP_LOG = "app"
ORDER_LOG = "order"
LOG_NAMES = (APP_LOG, ORDER_LOG)
_FILE_NAME = re.compile(r"^(app|order)-(\d{4}-\d{2}-\d{2})\.log$")

order_logger = logging.getLogger("obento.orders")

# Characters nobody sees (controls, format characters, line and paragraph separators): written
# as escapes, so a line break or a bidi override in a name cannot forge or hide a log line.
_INVISIBLE = frozenset({"Cc", "Cf", "Cs", "Zl", "Zp"})
_ESCAPES = {'"': '\\"', "\\": "\\\\", "\n": "\\n", "\r": "\\r", "\t": "\\t"}


def log_fields(fields: dict) -> str:
    """Return `key=value key=value ...` with every value as `log_value` writes it."""
    return " ".join(f"{key}={log_value(value)}" for key, value in fields.items())


def log_value(value) -> str:
    """Write a value of a `key=value` field so that the line splits back unambiguously.

    A value as it is when it holds no space, `"`, `=`, `\\` or invisible character and is
    neither empty nor `-` (which stands for "none"); otherwise in double quotes, with `"` and
    `\\` escaped by a backslash and invisible characters as `\\n`, `\\r`, `\\t` or `\\uXXXX`
    (`\\UXXXXXXXX` above U+FFFF). None is `-`.
    """
    if value is None:
        return "-"
    text = str(value)
    if text and text != "-" and not any(_needs_quotes(char) for char in text):
        return text
    return '"' + "".join(_escaped(char) for char in text) + '"'


def _needs_quotes(char: str) -> bool:
    return char in _ESCAPES or char == "=" or char.isspace() or _is_invisible(char)


def _escaped(char: str) -> str:
    if char in _ESCAPES:
        return _ESCAPES[char]
    if _is_invisible(char):
        return f"\\u{ord(char):04x}" if ord(char) <= 0xFFFF else f"\\U{ord(char):08x}"
    return char


def _is_invisible(char: str) -> bool:
    return unicodedata.category(char) in _INVISIBLE


class DailyFileHandler(logging.Handler):
    """Append records to the file of the record's business date.

    The day's file stays open between records (opening it for every order line cost more
    than writing it); each line is flushed at once, in one append, so lines of several
    workers never mix. A file removed or replaced under it is opened afresh.
    """

    def __init__(self, directory: Path, name: str):
        super().__init__()
        self.directory = directory
        self.name = name
        self._path: Path | None = None
        self._stream = None

    def path_for(self, day) -> Path:
        return self.directory / f"{self.name}-{day:%Y-%m-%d}.log"

    def emit(self, record: logging.LogRecord) -> None:
        try:
            path = self.path_for(local_today(datetime.fromtimestamp(record.created, UTC)))
            line = self.format(record) + "\n"
            if path != self._path or not self._still_there():
                self._close_stream()
                self._stream = path.open("a", encoding="utf-8")
                self._path = path
            self._stream.write(line)
            self._stream.flush()
        except Exception:
            self._close_stream()
            self.handleError(record)

    def _still_there(self) -> bool:
        try:
            return os.path.samestat(os.fstat(self._stream.fileno()), os.stat(self._path))
        except OSError:
            return False

    def _close_stream(self) -> None:
        stream, self._stream, self._path = self._stream, None, None
        if stream is not None:
            stream.close()

    def close(self) -> None:
        with self.lock:
            self._close_stream()
        super().close()


class LocalTimeFormatter(logging.Formatter):
    def formatTime(self, record, datefmt=None):  # noqa: N802 (logging API)
        return datetime.fromtimestamp(record.created, TIMEZONE).strftime("%Y-%m-%d %H:%M:%S%z")


def configure_logging(app) -> None:
    """Send the app's log and the order log to their daily files under LOG_DIR."""
    directory = Path(app.config["LOG_DIR"]).resolve()
    app.config["LOG_DIR"] = str(directory)  # the list and the download read the same files
    directory.mkdir(parents=True, exist_ok=True)
    remove_old_logs(directory, app.config["LOG_RETENTION_DAYS"], datetime.now(UTC))

    app_handler = DailyFileHandler(directory, APP_LOG)
    app_handler.setFormatter(LocalTimeFormatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    for logger in (app.logger, logging.getLogger("obento")):
        logger.setLevel(logging.INFO)
        _replace_handler(logger, app_handler)

    order_handler = DailyFileHandler(directory, ORDER_LOG)
    order_handler.setFormatter(LocalTimeFormatter("%(asctime)s %(message)s"))
    order_logger.setLevel(logging.INFO)
    order_logger.propagate = False
    _replace_handler(order_logger, order_handler)


def _replace_handler(logger: logging.Logger, handler: DailyFileHandler) -> None:
    # create_app may run more than once in a process (tests); keep one file handler.
    for old in [h for h in logger.handlers if isinstance(h, DailyFileHandler)]:
        logger.removeHandler(old)
        old.close()
    logger.addHandler(handler)


def remove_old_logs(directory: Path, keep_days: int, now: datetime) -> list[Path]:
    """Delete the daily files older than `keep_days` JST days (at start-up); return them."""
    oldest_kept = (local_today(now) - timedelta(days=keep_days)).isoformat()
    removed = [path for _, day, path in log_files(directory) if day < oldest_kept]
    for path in removed:
        path.unlink(missing_ok=True)
    return removed


def log_files(directory: Path) -> list[tuple[str, str, Path]]:
    """Return (name, YYYY-MM-DD, path) of the log files, newest day first."""
    found = []
    for path in directory.glob("*.log"):
        match = _FILE_NAME.match(path.name)
        if match:
            found.append((match.group(1), match.group(2), path))
    return sorted(found, key=lambda item: (item[1], item[0]), reverse=True)
