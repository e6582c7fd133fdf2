from wtforms import BooleanField, StringField
from wtforms.validators import Length, NumberRange, Optional, Regexp

from obento.forms.base import Form
from obento.forms.companies import ContactForm, name_field
from obento.forms.fields import (
    ConfirmField,
    DayField,
    HourMinuteField,
    InputRequired,
    NumberField,
    WeekdaysField,
)
from obento.services.closures import CONFIRM_LABEL, LATE_CONFIRM_LABEL
from obento.services.holidays import NAME_MAX as HOLIDAY_NAME_MAX
from obento.services.shops import REASON_MAX, ShopRules


class ShopRulesForm(Form):
    """The ordering rules of a shop: deadlines, fee, open days, how far ahead."""

    order_deadline_days_before = NumberField(
        "注文締切（お届け日の何日前）",
        validators=[
            InputRequired("日数を入力してください。"),
            NumberRange(0, 14, "0から14までで入力してください。"),
        ],
    )
    order_deadline_time = HourMinuteField(
        "注文締切の時刻", validators=[InputRequired("時刻を入力してください。")]
    )
    cancel_deadline_time = HourMinuteField(
        "キャンセル締切（お届け日の時刻）", validators=[InputRequired("時刻を入力してください。")]
    )
    cancel_fee = NumberField(
        "キャンセル料（円）",
        validators=[
            InputRequired("金額を入力してください。"),
            NumberRange(0, 100_000, "0円から100,000円までで入力してください。"),
        ],
    )
    open_weekdays = WeekdaysField("営業する曜日")
    opens_on_holidays = BooleanField("祝日も営業する")
    max_days_ahead = NumberField(
        "何日先まで注文を受け付けるか（日）",
        validators=[
            InputRequired("日数を入力してください。"),
            NumberRange(1, 90, "1から90までで入力してください。"),
        ],
    )

    def rules(self) -> ShopRules:
        return ShopRules(
            order_deadline_days_before=self.order_deadline_days_before.data,
            order_deadline_time=self.order_deadline_time.data,
            cancel_deadline_time=self.cancel_deadline_time.data,
            cancel_fee=self.cancel_fee.data,
            open_weekdays=self.open_weekdays.mask,
            opens_on_holidays=self.opens_on_holidays.data,
            max_days_ahead=self.max_days_ahead.data,
        )


class ShopForm(ShopRulesForm, ContactForm):
    """What an administrator edits: the name and contact details as well as the rules."""

    name = name_field("店舗名")
    email = StringField(
        "メールアドレス",
        validators=[
            Optional(),
            Length(max=200, message="200文字以内で入力してください。"),
            Regexp(
                r"^[^@\s]+@[^@\s]+\.[^@\s]+$", message="メールアドレスの形式が正しくありません。"
            ),
        ],
    )

    def contact(self) -> dict:
        return {key: getattr(self, key).data or "" for key in ("tel", "fax", "email", "address")}


class ClosedDayForm(Form):
    day = DayField("休業日", validators=[InputRequired("日付を入力してください。")])
    reason = StringField(
        "理由",
        validators=[Length(max=REASON_MAX, message=f"{REASON_MAX}文字以内で入力してください。")],
    )
    cancel_orders = ConfirmField(CONFIRM_LABEL)
    cancel_late_orders = ConfirmField(LATE_CONFIRM_LABEL)


class HolidayForm(Form):
    day = DayField("日付", validators=[InputRequired("日付を入力してください。")])
    name = StringField(
        "名前",
        validators=[
            InputRequired("名前を入力してください。"),
            Length(max=HOLIDAY_NAME_MAX, message=f"{HOLIDAY_NAME_MAX}文字以内で入力してください。"),
        ],
    )
    cancel_orders = ConfirmField(CONFIRM_LABEL)
    cancel_late_orders = ConfirmField(LATE_CONFIRM_LABEL)
