from flask import Blueprint

bp = Blueprint("account", __name__, url_prefix="/account")

from obento.account import views  # noqa: E402, F401
