"""`/admin/logs`: the daily application and order logs, viewed (escaped) or downloaded."""

from pathlib import Path

from flask import abort, current_app, render_template, send_file

from obento.admin import bp
from obento.auth.decorators import role_required
from obento.logs import log_files
from obento.models import Role

LOG_TITLES = {"app": "アプリケーションログ", "order": "注文ログ"}
# A page shows at most this much of a file (its end); the download always has all of it.
VIEW_LIMIT = 1024 * 1024


def _files() -> list[tuple[str, str, Path]]:
    return log_files(Path(current_app.config["LOG_DIR"]))


def log_path_or_404(filename: str) -> Path:
    """Return the path of a listed log file; any other name (`../x`, `x.txt`) is 404."""
    for _, _, path in _files():
        if path.name == filename:
            return path
    abort(404)


@bp.get("/logs")
@role_required(Role.ADMIN)
def logs():
    """List the log files, newest day first."""
    files = [
        {
            "name": name,
            "title": LOG_TITLES[name],
            "day": day,
            "file": path.name,
            "size": path.stat().st_size,
        }
        for name, day, path in _files()
    ]
    return render_template("admin/logs.html", files=files)


@bp.get("/logs/<filename>")
@role_required(Role.ADMIN)
def log_view(filename: str):
    """Show one log file as text (Jinja escapes every line)."""
    path = log_path_or_404(filename)
    size = path.stat().st_size
    with path.open("rb") as stream:
        if size > VIEW_LIMIT:
            stream.seek(size - VIEW_LIMIT)
        text = stream.read().decode("utf-8", errors="replace")
    return render_template(
        "admin/log_view.html", filename=filename, text=text, truncated=size > VIEW_LIMIT
    )


@bp.get("/logs/<filename>/download")
@role_required(Role.ADMIN)
def log_download(filename: str):
    """Download one log file."""
    path = log_path_or_404(filename)
    # Werkzeug adds "; charset=utf-8" to a text/* type itself (given here, it came twice).
    return send_file(path, mimetype="text/plain", as_attachment=True, download_name=filename)
