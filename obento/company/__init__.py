from flask import Blueprint

bp = Blueprint("company", __name__, url_prefix="/company")

from obento.company import views  # noqa: E402, F401

# isort: split
# Ordering on an employee's behalf, and the staff accounts.
from obento.company import on_behalf, users  # noqa: E402, F401
