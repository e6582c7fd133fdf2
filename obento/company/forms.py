from wtforms import StringField
from wtforms.validators import Optional, Regexp

from obento.filter_forms import DateForm


class SheetForm(DateForm):
    shop = StringField(
        "店舗",
        validators=[Optional(), Regexp(r"^[0-9]{1,9}$", message="店舗の指定が正しくありません。")],
    )
