"""URL converters."""

from werkzeug.exceptions import NotFound
from werkzeug.routing import IntegerConverter

from obento.models import MAX_ID


class IdConverter(IntegerConverter):
    """An id in a URL: `/orders/99999999999` is a 404 like any order that does not exist,
    where PostgreSQL would refuse the number (a 500).

    NotFound rather than werkzeug's `min`/`max` (ValidationError): werkzeug checks the method
    before the converter, so a path served for GET and POST would answer one of them 405.
    """

    def to_python(self, value: str) -> int:
        number = super().to_python(value)
        if not 1 <= number <= MAX_ID:
            raise NotFound()
        return number
