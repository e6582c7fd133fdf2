from flask import Blueprint

bp = Blueprint("admin", __name__, url_prefix="/admin")

from obento.admin import audit, companies, holidays, logs, menus, shops, users, views  # noqa: E402, F401
