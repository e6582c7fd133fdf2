from wtforms import StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional, Regexp

from obento.forms.base import Form
from obento.forms.fields import CheckboxesField

PHONE = Regexp(r"^[0-9+\-() ]*$", message="電話番号は数字とハイフンで入力してください。")


def name_field(label: str) -> StringField:
    return StringField(
        label,
        validators=[
            DataRequired(f"{label}を入力してください。"),
            Length(max=100, message="100文字以内で入力してください。"),
        ],
    )


class ContactForm(Form):
    """Telephone, FAX and address, as companies and shops have them."""

    tel = StringField(
        "電話番号",
        validators=[Optional(), Length(max=30, message="30文字以内で入力してください。"), PHONE],
    )
    fax = StringField(
        "FAX番号",
        validators=[Optional(), Length(max=30, message="30文字以内で入力してください。"), PHONE],
    )
    address = TextAreaField(
        "住所", validators=[Length(max=200, message="200文字以内で入力してください。")]
    )


class CompanyForm(ContactForm):
    name = name_field("会社名")
    shop_ids = CheckboxesField("配達する店舗", coerce=int)
