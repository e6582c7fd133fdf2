from flask import Blueprint

bp = Blueprint("shop", __name__, url_prefix="/shop")

from obento.shop import views  # noqa: E402, F401, I001
from obento.shop import manage  # noqa: E402, F401
