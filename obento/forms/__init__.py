"""Forms shared by the administration pages of admins, shops and company managers."""

from flask import flash, redirect, render_template, request

from obento.errors import refuse
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


def posted_switch(name: str = "active") -> bool:
    """Return the 1/0 a switch button posted; anything else is a bad request (400)."""
    value = request.form.get(name)
    if value not in ("0", "1"):
        refuse(400, "操作の指定が正しくありません。")
    return value == "1"


def handle_form(form, save, template: str, **context):
    """Run a form page: on a valid POST call `save()`, commit, flash and 303; else render.

    `save()` calls the services and returns (flash message, URL to go to[, warning or None]);
    a DomainError it raises is shown next to its field with the error's status. Invalid input
    answers 422.
    """
    status = 200
    if form.validate_on_submit():
        try:
            message, next_url, *warnings = save()
        except DomainError as error:
            db.session.rollback()
            add_domain_error(form, error)
            status = error.status
        else:
            db.session.commit()
            flash(message, "success")
            for warning in filter(None, warnings):
                flash(warning, "warning")
            return redirect(next_url, code=303)
    elif form.is_submitted():
        status = 422
    return render_template(template, form=form, **context), status
