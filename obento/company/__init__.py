from flask import Blueprint

bp = Blueprint("company", __name__, url_prefix="/company")

from obento.company import views  # noqa: E402, F401, I001
from obento.company import users  # noqa: E402, F401
