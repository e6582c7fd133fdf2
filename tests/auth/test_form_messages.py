"""Every check of the login, account and user forms has a Japanese message of its own."""

import pytest
from wtforms.validators import Optional

from obento.auth.forms import LoginForm
from obento.forms.users import (
    DefaultMenuForm,
    ImportForm,
    OwnPasswordForm,
    PasswordResetForm,
    StaffForm,
    UserForm,
    UserSearchForm,
)

FORMS = [
    LoginForm,
    StaffForm,
    UserForm,
    PasswordResetForm,
    OwnPasswordForm,
    DefaultMenuForm,
    ImportForm,
    UserSearchForm,
]


@pytest.mark.parametrize("form_class", FORMS, ids=lambda form_class: form_class.__name__)
def test_no_validator_falls_back_to_an_english_message(app, form_class):
    with app.test_request_context():
        form = form_class(meta={"csrf": False})
    for field in form:
        for validator in field.validators:
            if isinstance(validator, Optional):
                continue  # stops validation of an empty field; it has nothing to say
            message = getattr(validator, "message", None)
            assert message, f"{form_class.__name__}.{field.name}: {validator!r} has no message"
            assert not message.isascii(), f"{form_class.__name__}.{field.name}: {message!r}"
