from flask_wtf.file import FileField
from wtforms import PasswordField, StringField, TextAreaField
from wtforms.validators import DataRequired, EqualTo, Length, Optional

from obento.forms.base import FilterForm, Form
from obento.forms.fields import ChoiceField, optional_id
from obento.models import Role
from obento.services.password_policy import MAX_LENGTH, MIN_LENGTH
from obento.services.users import EMPLOYEE_CODE_MAX, NAME_MAX, USERNAME_MAX


def password_length() -> list:
    """One message for each limit: a 1,200-character password is not "too short"."""
    return [
        Length(min=MIN_LENGTH, message=f"{MIN_LENGTH}文字以上で入力してください。"),
        Length(max=MAX_LENGTH, message=f"{MAX_LENGTH}文字以内で入力してください。"),
    ]


class StaffForm(Form):
    """A company manager's form for their staff: no role or company to choose."""

    username = StringField(
        "ユーザー名（ログインID）",
        validators=[
            DataRequired("ユーザー名を入力してください。"),
            Length(max=USERNAME_MAX, message=f"{USERNAME_MAX}文字以内で入力してください。"),
        ],
    )
    name = StringField(
        "氏名",
        validators=[
            DataRequired("氏名を入力してください。"),
            Length(max=NAME_MAX, message=f"{NAME_MAX}文字以内で入力してください。"),
        ],
    )
    employee_code = StringField(
        "社員番号",
        validators=[
            Length(
                max=EMPLOYEE_CODE_MAX, message=f"{EMPLOYEE_CODE_MAX}文字以内で入力してください。"
            )
        ],
    )
    password = PasswordField("初期パスワード", validators=[Optional(), *password_length()])


class UserForm(StaffForm):
    """An administrator's form: any role, company or shop."""

    role = ChoiceField("権限", choices=[(role.value, role.label) for role in Role])
    company_id = ChoiceField("会社（注文者・会社代表）", coerce=optional_id)
    shop_id = ChoiceField("店舗（店舗ユーザー）", coerce=optional_id)


class PasswordResetForm(Form):
    password = PasswordField("新しいパスワード", validators=[Optional(), *password_length()])


class DefaultMenuForm(Form):
    default_menu_id = ChoiceField("お気に入りメニュー", coerce=optional_id)


class OwnPasswordForm(Form):
    current_password = PasswordField(
        "現在のパスワード", validators=[DataRequired("現在のパスワードを入力してください。")]
    )
    new_password = PasswordField(
        "新しいパスワード",
        validators=[
            DataRequired("新しいパスワードを入力してください。"),
            *password_length(),
        ],
    )
    new_password_confirm = PasswordField(
        "新しいパスワード（確認）",
        validators=[EqualTo("new_password", "確認用のパスワードが一致しません。")],
    )


class ImportForm(Form):
    """Step 1 uploads `file`; step 2 sends the previewed text back in `csv_text`."""

    file = FileField("CSVファイル")
    csv_text = TextAreaField()


class UserSearchForm(FilterForm):
    q = StringField(
        "検索（ユーザー名・氏名）",
        validators=[Length(max=100, message="100文字以内で入力してください。")],
    )
    role = ChoiceField(
        "権限", choices=[("", "すべて")] + [(role.value, role.label) for role in Role]
    )
