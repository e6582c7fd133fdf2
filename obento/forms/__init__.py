"""Forms shared by the administration pages of admins, shops and company managers."""

from flask import flash, redirect, render_template

from obento.extensions import db
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


def handle_form(form, save, template: str, **context):
    """Run a form page: on a valid POST call `save()`, commit, flash and 303; else render.

    `save()` calls the services and returns (flash message, URL to go to); a DomainError it
    raises is shown next to its field with the error's status. Invalid input answers 422.
    """
    status = 200
    if form.validate_on_submit():
        try:
            message, next_url = save()
        except DomainError as error:
            db.session.rollback()
            add_domain_error(form, error)
            status = error.status
        else:
            db.session.commit()
            flash(message, "success")
            return redirect(next_url, code=303)
    elif form.is_submitted():
        status = 422
    return render_template(template, form=form, **context), status
