import re

from flask_wtf import FlaskForm
from wtforms import Field, StringField
from wtforms.validators import AnyOf, InputRequired

from obento.models import MAX_ID

_ID = re.compile(r"[0-9]{1,10}")


class IdListField(Field):
    """A repeated id parameter (`order_id=1&order_id=2`) read as a list of ints."""

    def process_formdata(self, valuelist):
        self.data = []
        for value in valuelist:
            if not _ID.fullmatch(value.strip()) or int(value) > MAX_ID:
                raise ValueError("注文の指定が正しくありません。")
            self.data.append(int(value))

    def _value(self):
        return ""


class CheckForm(FlaskForm):
    order_id = IdListField("注文", default=list)
    checked = StringField(
        "確認",
        validators=[
            InputRequired("確認済みにするか、未確認に戻すかを選んでください。"),
            AnyOf(["1", "0"], "確認済みにするか、未確認に戻すかを選んでください。"),
        ],
    )
