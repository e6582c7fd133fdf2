"""Form fields with Japanese messages for the values WTForms would reject in English."""

import re
from datetime import date, datetime, time

from wtforms import (
    BooleanField,
    IntegerField,
    SelectField,
    SelectMultipleField,
    StringField,
    validators,
)
from wtforms.validators import ValidationError
from wtforms.widgets import CheckboxInput, DateInput, ListWidget, TimeInput

from obento.calendar import WEEKDAYS_JA
from obento.filter_forms import DATE_MESSAGE, parse_date

try:  # WTForms 3.3 deprecates (value, label) tuples as choices
    from wtforms.fields.choices import SelectChoice
except ImportError:  # pragma: no cover (WTForms 3.2)
    SelectChoice = None

_TIME = re.compile(r"[0-9]{2}:[0-9]{2}(:00)?")
NOT_A_NUMBER = "半角数字で入力してください。"
NOT_A_CHOICE = "一覧から選んでください。"


class InputRequired(validators.InputRequired):
    """WTForms' InputRequired, but blanks alone are no input.

    The typed fields below read "   " as no value (None): without this a blank time or day
    passed the check and reached the database as NULL.
    """

    def __call__(self, form, field):
        if not (field.raw_data and str(field.raw_data[0]).strip()):
            field.errors[:] = []
            raise validators.StopValidation(self.message)


class _ParsedOnce:
    """A value that did not parse gets its one message, not the range checks' as well."""

    def pre_validate(self, form):
        if self.process_errors:
            raise validators.StopValidation()


class NumberField(_ParsedOnce, IntegerField):
    """An integer; anything else gets a Japanese message instead of a 500 or English."""

    def process_formdata(self, valuelist):
        if not valuelist:
            return
        text = valuelist[0].strip()
        self.data = None
        if text == "":
            return
        if len(text) > 9:
            raise ValueError("桁数が多すぎます。")
        try:
            self.data = int(text)
        except ValueError:
            raise ValueError(NOT_A_NUMBER) from None


class _TextValueField(_ParsedOnce, StringField):
    """A value typed as text: `parse` it, `render` it back, `message` when it will not parse.

    Subclasses define `parse(text)` and `render(value)`.
    """

    value_type: type
    message: str

    def _value(self):
        if self.raw_data:
            return self.raw_data[0]
        return self.render(self.data) if self.data else ""

    def process_formdata(self, valuelist):
        if not valuelist:
            return
        self.data = None
        text = valuelist[0].strip()
        if text == "":
            return
        try:
            self.data = self.parse(text)
        except ValueError:
            raise ValueError(self.message) from None

    def process_data(self, value):
        self.data = value if isinstance(value, self.value_type) else None


class HourMinuteField(_TextValueField):
    """A wall-clock time `HH:MM` (an `<input type="time">`)."""

    widget = TimeInput()
    value_type = time
    message = "時刻は「14:00」の形で入力してください。"

    def parse(self, text: str) -> time:
        # Browsers send HH:MM, or HH:MM:SS when the input has a step.
        if not _TIME.fullmatch(text):
            raise ValueError(text)
        return datetime.strptime(text[:5], "%H:%M").time()

    def render(self, value: time) -> str:
        return value.strftime("%H:%M")


class DayField(_TextValueField):
    """A date `YYYY-MM-DD` (an `<input type="date">`)."""

    widget = DateInput()
    value_type = date
    message = DATE_MESSAGE

    def parse(self, text: str) -> date:
        return parse_date(text)

    def render(self, value: date) -> str:
        return value.isoformat()


class ConfirmField(BooleanField):
    """A checkbox that confirms a step with consequences: only the value it sends confirms.

    WTForms' BooleanField reads every value but "false" and "" as ticked, so a "0", "off" or
    "no" would have confirmed cancelling a day's orders; here any other value is unticked.
    """

    VALUE = "y"

    def process_formdata(self, valuelist):
        self.data = bool(valuelist) and valuelist[0] == self.VALUE

    def _value(self):
        return self.VALUE  # not the value posted: re-rendered, the box must still confirm


def optional_id(value):
    """Coerce a select's value to an id, or None for the empty choice."""
    if value in (None, "", "None"):
        return None
    if isinstance(value, int):
        return value
    text = str(value)
    if not text.isdigit() or len(text) > 9:
        raise ValueError(NOT_A_CHOICE)
    return int(text)


class _PairChoices:
    """Accept choices as (value, label) pairs, which WTForms 3.3 warns about in `__init__`."""

    def __init__(self, *args, choices=None, **kwargs):
        if SelectChoice is not None and isinstance(choices, list | tuple):
            choices = [
                SelectChoice(*choice) if isinstance(choice, tuple) else choice for choice in choices
            ]
        super().__init__(*args, choices=choices, **kwargs)


class ChoiceField(_PairChoices, SelectField):
    """A select whose bad values get a Japanese message."""

    def process_formdata(self, valuelist):
        try:
            super().process_formdata(valuelist)
        except ValueError:
            self.data = None
            raise ValueError(NOT_A_CHOICE) from None

    def process_data(self, value):
        # WTForms would coerce a missing value to the string "None".
        self.data = None if value is None else value

    def pre_validate(self, form):
        values = [value for value, *_ in self.iter_choices()]
        if self.data in (None, ""):
            if "" not in values and None not in values:
                raise ValidationError(NOT_A_CHOICE)
        elif self.data not in {self.coerce(value) for value in values if value != ""}:
            raise ValidationError(NOT_A_CHOICE)


class CheckboxesField(_PairChoices, SelectMultipleField):
    """Several checkboxes sharing one name."""

    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()

    def process_formdata(self, valuelist):
        try:
            super().process_formdata(valuelist)
        except ValueError:
            self.data = []
            raise ValueError(NOT_A_CHOICE) from None

    def pre_validate(self, form):
        allowed = {value for value, *_ in self.iter_choices()}
        if any(value not in allowed for value in self.data or ()):
            raise ValidationError(NOT_A_CHOICE)


class WeekdaysField(CheckboxesField):
    """Open weekdays as checkboxes; `mask` is the bit set stored on the shop."""

    def __init__(self, label=None, validators=None, **kwargs):
        choices = [(number, name) for number, name in enumerate(WEEKDAYS_JA)]
        super().__init__(label, validators, coerce=int, choices=choices, **kwargs)

    def process_data(self, value):
        if isinstance(value, int):
            value = [day for day in range(7) if value & (1 << day)]
        super().process_data(value)

    @property
    def mask(self) -> int:
        return sum(1 << day for day in set(self.data or ()))
