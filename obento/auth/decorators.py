"""Access rules for views."""

from functools import wraps

from flask import abort
from flask_login import current_user

from obento.extensions import login_manager


def role_required(*roles: str):
    """Let only logged-in users with one of `roles` through; others get /login or 403."""

    def decorator(view):
        @wraps(view)
        def wrapped(*args, **kwargs):
            if not current_user.is_authenticated:
                return login_manager.unauthorized()
            if current_user.role not in roles:
                abort(403)
            return view(*args, **kwargs)

        wrapped.allowed_roles = frozenset(roles)
        return wrapped

    return decorator
