"""Response headers, proxy handling and a guard on parameters that every request gets."""

import secrets

from flask import current_app, g, request
from werkzeug.middleware.proxy_fix import ProxyFix

from obento.errors import render_error

CSP = (
    "default-src 'self'; "
    "script-src 'self' 'nonce-{nonce}'; "
    # Inline style attributes (e.g. in server-rendered SVG charts) are harmless; scripts are not.
    "style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data:; "
    "object-src 'none'; "
    "base-uri 'none'; "
    "form-action 'self'; "
    "frame-ancestors 'none'"
)


def csp_nonce() -> str:
    """Return this response's script nonce (for the rare inline script that needs one)."""
    if "csp_nonce" not in g:
        g.csp_nonce = secrets.token_urlsafe(16)
    return g.csp_nonce


def add_security_headers(response):
    headers = response.headers
    headers["Content-Security-Policy"] = CSP.format(nonce=csp_nonce())
    headers["X-Content-Type-Options"] = "nosniff"
    headers["X-Frame-Options"] = "DENY"
    headers["Referrer-Policy"] = "strict-origin-when-cross-origin"
    headers["Permissions-Policy"] = "camera=(), microphone=(), geolocation=()"
    if current_app.config.get("SECURITY_HSTS"):
        headers["Strict-Transport-Security"] = "max-age=31536000; includeSubDomains"
    if request.endpoint != "static":
        # Pages show personal orders: never keep them in a shared or back-button cache.
        headers["Cache-Control"] = "no-store"
    headers.pop("Server", None)
    return response


NUL_REFUSED = "送信内容に使えない文字（NUL）が含まれています。入力内容をご確認ください。"


def refuse_nul_characters():
    """PostgreSQL cannot store or compare NUL: refuse it in any parameter before a view reads it.

    No one types it; without this check it reached SQL as a 500 from dozens of text fields.
    """
    for values in (*request.args.listvalues(), *request.form.listvalues()):
        if any("\x00" in value for value in values):
            return render_error(400, NUL_REFUSED)
    return None


def register_security(app) -> None:
    app.before_request(refuse_nul_characters)
    app.after_request(add_security_headers)
    app.jinja_env.globals["csp_nonce"] = csp_nonce
    proxies = app.config.get("PROXY_COUNT", 0)
    if proxies:
        # Trust X-Forwarded-For/-Proto only from this many proxies in front of the app.
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=proxies, x_proto=proxies, x_host=0)
