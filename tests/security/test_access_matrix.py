"""Every route x every role (and anonymous), generated from the app's URL map.

ACCESS is the rule book: a route missing from it fails `test_every_route_has_a_rule`, so a new
page cannot ship without someone deciding who may open it.
"""

import pytest
from werkzeug.routing import IntegerConverter

from obento.models import Role
from tests.conftest import csrf_token

ANONYMOUS = "anonymous"
PUBLIC = frozenset({ANONYMOUS, *Role})
LOGGED_IN = frozenset(Role)
ORDERERS = frozenset({Role.STAFF, Role.MANAGER})
MANAGER = frozenset({Role.MANAGER})
SHOP = frozenset({Role.SHOP, Role.ADMIN})
SHOP_ONLY = frozenset({Role.SHOP})
ADMIN = frozenset({Role.ADMIN})

LOGOUT = "auth.logout"  # the one route that rightly ends at the login page

# endpoint -> who may use it
ACCESS = {
    "static": PUBLIC,
    "auth.index": PUBLIC,
    "auth.login": PUBLIC,
    "health.healthz": PUBLIC,
    "auth.logout": LOGGED_IN,
    "ordering.index": ORDERERS,
    "ordering.place": ORDERERS,
    "ordering.show": ORDERERS,
    "ordering.change": ORDERERS,
    "ordering.cancel": ORDERERS,
    "ordering.favorite": ORDERERS,
    "ordering.history": ORDERERS,
    "quick.quick": ORDERERS,
    "quick.quick_order": ORDERERS,
    "shop.orders": SHOP,
    "shop.check": SHOP,
    "shop.orders_csv": SHOP,
    "shop.sheet": SHOP,
    "company.orders": MANAGER,
    "company.sheet": MANAGER,
    "company.billing": MANAGER,
    "company.billing_csv": MANAGER,
    "company.on_behalf": MANAGER,
    "company.on_behalf_employee": MANAGER,
    "company.on_behalf_order": MANAGER,
    "company.on_behalf_cancel": MANAGER,
    "admin.index": ADMIN,
    # Administration (issue 5)
    "account.index": LOGGED_IN,
    "account.password": LOGGED_IN,
    "account.default_menu": ORDERERS,
    **{
        f"shop.{name}": SHOP_ONLY
        for name in (
            "settings",
            "calendar",
            "calendar_add",
            "calendar_remove",
            "menus",
            "menu_new",
            "menu_edit",
            "menu_state",
        )
    },
    **{
        f"company.users{suffix}": MANAGER
        for suffix in ("", "_new", "_edit", "_password", "_state", "_default_menu", "_import")
    },
    **{
        f"admin.{name}": ADMIN
        for name in (
            "audit",
            "logs",
            "log_view",
            "log_download",
            "companies",
            "companies_new",
            "companies_edit",
            "companies_state",
            "shops",
            "shops_new",
            "shops_edit",
            "shops_state",
            "shops_calendar",
            "shops_calendar_add",
            "shops_calendar_remove",
            "holidays",
            "holidays_add",
            "holidays_remove",
            "menus",
            "menus_new",
            "menus_edit",
            "menus_state",
            "users",
            "users_new",
            "users_edit",
            "users_password",
            "users_state",
            "users_default_menu",
            "users_import",
        )
    },
}


def _routes(app):
    """Every (rule, method) but static files; logging out comes last, as it ends the login."""
    rules = sorted(app.url_map.iter_rules(), key=lambda rule: rule.endpoint == LOGOUT)
    for rule in rules:
        if rule.endpoint == "static":
            continue
        for method in sorted((rule.methods or set()) - {"HEAD", "OPTIONS"}):
            yield rule, method


def _url(rule) -> str:
    values = {}
    for name, converter in rule._converters.items():
        values[name] = 999999 if isinstance(converter, IntegerConverter) else "x"
    return rule.build(values, append_unknown=False)[1]


def test_every_route_has_a_rule(app):
    missing = sorted({rule.endpoint for rule, _ in _routes(app)} - ACCESS.keys())
    assert not missing, f"add these endpoints to ACCESS: {missing}"
    stale = sorted(ACCESS.keys() - {rule.endpoint for rule in app.url_map.iter_rules()})
    assert not stale, f"ACCESS names endpoints that no longer exist: {stale}"


@pytest.mark.parametrize("who", [ANONYMOUS, *Role])
def test_every_route_answers_each_role_as_the_rules_say(app, client, login, make_user, who):
    if who != ANONYMOUS:
        login(make_user(role=who).username)
    token = csrf_token(client.get("/login"))
    failures = []
    for rule, method in _routes(app):
        allowed = who in ACCESS[rule.endpoint]
        url = _url(rule)
        data = {"csrf_token": token} if method == "POST" else None
        response = client.open(url, method=method, data=data)
        status = response.status_code
        if status >= 500:
            failures.append(f"{method} {url}: {status}")
        elif allowed and status in (401, 403):
            failures.append(f"{method} {url}: {status}, but {who} may use it")
        elif allowed and who != ANONYMOUS and _to_login(response) and rule.endpoint != LOGOUT:
            failures.append(f"{method} {url}: sent {who} to the login page")
        elif not allowed and who == ANONYMOUS and not _to_login(response):
            failures.append(f"{method} {url}: {status} for anonymous, expected the login page")
        elif not allowed and who != ANONYMOUS and status != 403:
            failures.append(f"{method} {url}: {status} for {who}, expected 403")
    assert not failures, "\n".join(failures)


def _to_login(response) -> bool:
    return response.status_code in (302, 303) and response.headers["Location"].startswith("/login")
