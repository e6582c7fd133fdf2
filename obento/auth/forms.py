from flask_wtf import FlaskForm
from wtforms import PasswordField, StringField
from wtforms.validators import DataRequired, Length

from obento.services.password_policy import MAX_LENGTH as PASSWORD_MAX
from obento.services.users import USERNAME_MAX


class LoginForm(FlaskForm):
    username = StringField(
        "ユーザー名",
        validators=[
            DataRequired("ユーザー名を入力してください。"),
            Length(
                max=USERNAME_MAX, message=f"ユーザー名は{USERNAME_MAX}文字以内で入力してください。"
            ),
        ],
    )
    password = PasswordField(
        "パスワード",
        validators=[
            DataRequired("パスワードを入力してください。"),
            Length(
                max=PASSWORD_MAX, message=f"パスワードは{PASSWORD_MAX}文字以内で入力してください。"
            ),
        ],
    )
