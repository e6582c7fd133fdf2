from wtforms import StringField, TextAreaField
from wtforms.validators import Length, NumberRange, Optional

from obento.forms.base import Form
from obento.forms.companies import name_field
from obento.forms.fields import ChoiceField, InputRequired, NumberField, optional_id
from obento.services.menus import ALLERGENS_MAX, DESCRIPTION_MAX, MAX_PRICE


class MenuForm(Form):
    name = name_field("メニュー名")
    price = NumberField(
        "価格（円・税込）",
        validators=[
            InputRequired("価格を入力してください。"),
            NumberRange(0, MAX_PRICE, f"0円から{MAX_PRICE:,}円までで入力してください。"),
        ],
    )
    description = TextAreaField(
        "説明",
        validators=[
            Length(max=DESCRIPTION_MAX, message=f"{DESCRIPTION_MAX}文字以内で入力してください。")
        ],
    )
    allergens = StringField(
        "アレルゲン",
        validators=[
            Length(max=ALLERGENS_MAX, message=f"{ALLERGENS_MAX}文字以内で入力してください。")
        ],
    )
    sort_order = NumberField(
        "表示順",
        default=0,
        validators=[Optional(), NumberRange(0, 9999, "0から9999までで入力してください。")],
    )

    def values(self) -> dict:
        return {
            "name": self.name.data,
            "price": self.price.data,
            "description": self.description.data or "",
            "allergens": self.allergens.data or "",
            "sort_order": self.sort_order.data or 0,
        }


class AdminMenuForm(MenuForm):
    """An administrator also picks the shop of a new menu."""

    shop_id = ChoiceField("店舗", coerce=optional_id)
