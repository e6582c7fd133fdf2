from flask_wtf import FlaskForm
from wtforms import PasswordField, StringField
from wtforms.validators import DataRequired, Length


class LoginForm(FlaskForm):
    username = StringField(
        "ユーザー名", validators=[DataRequired("ユーザー名を入力してください。"), Length(max=64)]
    )
    password = PasswordField(
        "パスワード", validators=[DataRequired("パスワードを入力してください。"), Length(max=1024)]
    )
