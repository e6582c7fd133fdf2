from flask import Blueprint

bp = Blueprint("shop", __name__, url_prefix="/shop")

from obento.shop import views  # noqa: E402, F401
