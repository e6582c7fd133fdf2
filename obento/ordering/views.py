from flask import render_template

from obento.auth.decorators import role_required
from obento.models import Role
from obento.ordering import bp


@bp.get("/")
@role_required(Role.STAFF, Role.MANAGER)
def index():
    """Show the order page."""
    return render_template("ordering/index.html")
