from flask import render_template

from obento.auth.decorators import role_required
from obento.models import Role
from obento.shop import bp


@bp.get("/orders")
@role_required(Role.SHOP, Role.ADMIN)
def orders():
    """Show the shop's orders."""
    return render_template("shop/orders.html")
