"""The base form: every page form carries CSRF; filter forms (GET) do not."""

from flask_wtf import FlaskForm


class Form(FlaskForm):
    pass


class FilterForm(FlaskForm):
    """A GET form of list filters: no CSRF token, values from the query string."""

    class Meta:
        csrf = False
