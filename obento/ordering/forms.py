"""Order forms. Every message is Japanese; the services check the rules again."""

import secrets

from flask_wtf import FlaskForm
from wtforms import Field, HiddenField
from wtforms.validators import Length, ValidationError
from wtforms.widgets import NumberInput, TextInput

from obento.filter_forms import MAX_DATE, MIN_DATE, parse_date
from obento.models import MAX_ID, MAX_QUANTITY
from obento.services.orders import QUANTITY_MESSAGE

DELIVERY_DATE_MESSAGE = (
    f"お届け日は「2026-11-26」のような形式で、{MIN_DATE.year}年から{MAX_DATE.year}年までの"
    "日付を指定してください。"
)


class JaIntegerField(Field):
    """An integer field whose every refusal is a Japanese sentence (and never reaches SQL)."""

    widget = NumberInput()

    def __init__(self, label=None, *, missing: str, invalid: str, minimum=1, maximum=MAX_ID, **kw):
        super().__init__(label, **kw)
        self.missing, self.invalid = missing, invalid
        self.minimum, self.maximum = minimum, maximum
        self.raw = ""

    def process_formdata(self, valuelist):
        self.raw = (valuelist[0] if valuelist else "").strip()
        self.data = None
        if self.raw.isascii() and self.raw.isdigit() and len(self.raw) <= 12:
            self.data = int(self.raw)

    def pre_validate(self, form):
        if not self.raw:
            raise ValidationError(self.missing)
        if self.data is None or not self.minimum <= self.data <= self.maximum:
            self.data = None
            raise ValidationError(self.invalid)

    def _value(self):
        return self.raw if self.raw else ("" if self.data is None else str(self.data))


class JaDateField(Field):
    """A strict `YYYY-MM-DD` date within the app's bounds, with Japanese messages.

    The bounds (filter_forms.parse_date) keep typing mistakes such as 9999-12-31 away from the
    calendar rules, whose date arithmetic would overflow there.
    """

    widget = TextInput()

    def process_formdata(self, valuelist):
        self.raw = (valuelist[0] if valuelist else "").strip()
        try:
            self.data = parse_date(self.raw)
        except ValueError:
            self.data = None

    def pre_validate(self, form):
        if not getattr(self, "raw", ""):
            raise ValidationError("お届け日を選んでください。")
        if self.data is None:
            raise ValidationError(DELIVERY_DATE_MESSAGE)

    def _value(self):
        return self.data.isoformat() if self.data else ""


def menu_field():
    return JaIntegerField(
        "メニュー",
        missing="メニューを選んでください。",
        invalid="選ばれたメニューは見つかりません。",
    )


def quantity_field():
    return JaIntegerField(
        "数量",
        missing=QUANTITY_MESSAGE,
        invalid=QUANTITY_MESSAGE,
        maximum=MAX_QUANTITY,
        default=1,
    )


def new_form_token() -> str:
    return secrets.token_urlsafe(16)


class OrderForm(FlaskForm):
    delivery_date = JaDateField("お届け日")
    menu_id = menu_field()
    quantity = quantity_field()
    # One per rendered form: a resubmission of the same form shows the order it created.
    form_token = HiddenField(
        "フォーム",
        validators=[
            Length(max=64, message="送信内容が正しくありません。ページを開き直してください。")
        ],
    )


class ChangeOrderForm(FlaskForm):
    menu_id = menu_field()
    quantity = quantity_field()


class CancelOrderForm(FlaskForm):
    pass


class FavoriteForm(FlaskForm):
    menu_id = menu_field()
