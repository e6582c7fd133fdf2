from flask import render_template

from obento.auth.decorators import role_required
from obento.company import bp
from obento.models import Role


@bp.get("/orders")
@role_required(Role.MANAGER)
def orders():
    """Show the company's orders."""
    return render_template("company/orders.html")
