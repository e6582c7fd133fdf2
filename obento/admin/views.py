from flask import render_template

from obento.admin import bp
from obento.auth.decorators import role_required
from obento.models import Role


@bp.get("/")
@role_required(Role.ADMIN)
def index():
    """Show the administrator's home."""
    return render_template("admin/index.html")
