from flask import Blueprint

bp = Blueprint("company", __name__, url_prefix="/company")

from obento.company import views  # noqa: E402, F401

# isort: split
from obento.company import on_behalf  # noqa: E402, F401  (ordering on an employee's behalf)
