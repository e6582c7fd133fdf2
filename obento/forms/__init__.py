"""Forms shared by the administration pages of admins, shops and company managers."""

from obento.services import DomainError


def add_domain_error(form, error: DomainError) -> None:
    """Put a service's message next to its field, or at the top of the form."""
    target = getattr(form, error.field, None) if error.field else None
    if target is not None and hasattr(target, "errors"):
        if not isinstance(target.errors, list):
            target.errors = list(target.errors)
        target.errors.append(error.message)
    else:
        form.form_errors.append(error.message)
