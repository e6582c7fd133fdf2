from flask import Blueprint

bp = Blueprint("ordering", __name__, url_prefix="/orders")
# The one-tap page lives at /quick (the URL on the NFC tags), outside /orders.
quick_bp = Blueprint("quick", __name__)

from obento.ordering import quick, views  # noqa: E402, F401
