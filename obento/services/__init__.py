"""Domain operations. They flush, log and raise `DomainError`; the view commits."""


class DomainError(Exception):
    """A rule refused the operation; `message` is shown to the user (Japanese).

    `field` names the form field the message belongs next to, or None for the whole form.
    `status` is the HTTP status the view answers with when it re-renders the form.
    """

    def __init__(self, message: str, field: str | None = None, status: int = 422):
        super().__init__(message)
        self.message = message
        self.field = field
        self.status = status
