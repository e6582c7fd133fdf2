from flask import Blueprint

bp = Blueprint("ordering", __name__, url_prefix="/orders")

from obento.ordering import views  # noqa: E402, F401
