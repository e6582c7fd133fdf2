"""Japanese error pages; no traceback or SQL ever reaches the browser."""

import contextlib
from typing import NoReturn

from flask import Response, abort, current_app, g, make_response, render_template, request
from flask.globals import request_ctx
from flask_wtf.csrf import CSRFError
from psycopg import errors as pg_errors
from sqlalchemy.exc import DBAPIError, IntegrityError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeoutError
from werkzeug.exceptions import HTTPException, InternalServerError

from obento.extensions import db, login_manager
from obento.logs import log_fields

DATABASE_UNAVAILABLE = "データベースに接続できません。しばらくしてから再度お試しください。"

MESSAGES = {
    400: ("送信内容に問題があります", "送信内容を処理できませんでした。入力内容をご確認ください。"),
    403: (
        "アクセスできません",
        "このページを表示する権限がありません。トップページから操作し直してください。",
    ),
    404: ("ページが見つかりません", "お探しのページは見つかりませんでした。URLをご確認ください。"),
    405: (
        "この操作はできません",
        "このページではその操作を受け付けていません。トップページから操作し直してください。",
    ),
    409: (
        "ほかの操作と重なりました",
        "関連するデータがほかの操作で変更されたため、処理できませんでした。"
        "ページを再読み込みしてから、もう一度お試しください。",
    ),
    413: ("送信データが大きすぎます", "ファイルや入力内容を小さくして、もう一度お試しください。"),
    429: (
        "アクセスが集中しています",
        "短時間に多くの操作がありました。しばらく時間をおいてから再度お試しください。",
    ),
    500: (
        "エラーが発生しました",
        "しばらくしてから、もう一度お試しください。ご注文が完了したかは注文履歴でご確認ください。",
    ),
    503: ("ただいまご利用いただけません", DATABASE_UNAVAILABLE),
}


def render_error(code: int, message: str | None = None):
    title, default_message = MESSAGES.get(code, MESSAGES[500])
    _rollback()
    if request_ctx.url_adapter is None:  # e.g. a Host not in TRUSTED_HOSTS: no URLs to build
        text = f"{code} {title}\n{message or default_message}\n"
        return Response(text, code, mimetype="text/plain; charset=utf-8")
    return render_template(
        "errors/error.html", code=code, title=title, message=message or default_message
    ), code


def _rollback() -> None:
    with contextlib.suppress(DBAPIError):  # the connection is gone; the pool replaces it
        db.session.rollback()


def handle_http_exception(error: HTTPException):
    if error.code is None or error.code < 400:
        return error
    if error.code == 403:
        _log_forbidden()
    response = render_error(error.code)
    if error.code == 405 and error.valid_methods:
        return (*response, {"Allow": ", ".join(error.valid_methods)})
    return response


def _log_forbidden() -> None:
    current_app.logger.warning(
        "forbidden %s",
        log_fields(
            {
                "path": request.path,
                "user": g.get("_login_user") and getattr(g._login_user, "username", None),
                "address": request.remote_addr,
            }
        ),
    )


def handle_csrf_error(error: CSRFError):
    current_app.logger.warning(
        "csrf refused %s",
        log_fields(
            {"path": request.path, "reason": error.description, "address": request.remote_addr}
        ),
    )
    return render_error(
        400,
        "ページの有効期限が切れたか、送信内容が確認できませんでした。"
        "ページを再読み込みしてから、もう一度お試しください。",
    )


def handle_database_unavailable(error: OperationalError | PoolTimeoutError):
    """Answer 503 when the database is down, unreachable or too slow (statement timeout)."""
    cause = type(getattr(error, "orig", None) or error).__name__
    current_app.logger.error(
        "database unavailable %s", log_fields({"path": request.path, "error": cause})
    )
    # Rendering the page must not touch the database again (e.g. to load the user).
    g._login_user = login_manager.anonymous_user()
    return render_error(503)


# Constraints that refuse a row its service had checked a moment before: another request
# changed the data in between. Any other integrity error is a bug, and stays a 500.
RACES = {
    # the same form sent twice at once (a double click, two tabs)
    pg_errors.UniqueViolation: (
        "同じ内容がすでに登録されています（同時に送信された可能性があります）。"
        "ページを再読み込みしてご確認ください。"
    ),
    # a row referred to was deleted meanwhile (a menu nobody had ordered yet): the page's
    # default message
    pg_errors.ForeignKeyViolation: None,
}


def handle_integrity_error(error: IntegrityError):
    if type(error.orig) not in RACES:
        raise error
    current_app.logger.warning(
        "conflict refused %s",
        log_fields({"path": request.path, "constraint": error.orig.diag.constraint_name}),
    )
    return render_error(409, RACES[type(error.orig)])


def handle_internal_error(error: InternalServerError):
    # Flask has logged the traceback already; the page shows none of it.
    g._login_user = login_manager.anonymous_user()
    return render_error(500)


def register_errorhandlers(app) -> None:
    app.register_error_handler(HTTPException, handle_http_exception)
    app.register_error_handler(CSRFError, handle_csrf_error)
    app.register_error_handler(OperationalError, handle_database_unavailable)
    app.register_error_handler(PoolTimeoutError, handle_database_unavailable)
    app.register_error_handler(IntegrityError, handle_integrity_error)
    app.register_error_handler(InternalServerError, handle_internal_error)


def refuse(code: int, message: str | None = None) -> NoReturn:
    """Stop the request with the Japanese error page `code`, showing `message` if given."""
    if code == 403:
        _log_forbidden()
    abort(make_response(render_error(code, message)))
