"""An id in a URL that no row can have is a 404, like any record that does not exist.

Ids are PostgreSQL integers: sent to SQL, 2147483648 would be a database error (a 500).
Every route with an id in its path is checked, as the role whose pages it belongs to.
"""

import re

import pytest

from obento.models import MAX_ID, Role
from tests.conftest import PASSWORD, AppContextClient, csrf_token

ROLE_OF_BLUEPRINT = {
    "admin": Role.ADMIN,
    "shop": Role.SHOP,
    "company": Role.MANAGER,
    "ordering": Role.STAFF,
}


def id_routes(app) -> list[tuple[str, str, str]]:
    """(blueprint, method, rule) of every route with an id in its path."""
    return sorted(
        (rule.endpoint.split(".")[0], method, rule.rule)
        for rule in app.url_map.iter_rules()
        if rule.arguments
        for method in rule.methods & {"GET", "POST"}
        if rule.endpoint != "static"
    )


@pytest.fixture
def clients(app, make_user):
    """A logged-in client and a CSRF token of its session for each role."""
    app.test_client_class = AppContextClient
    logged_in = {}
    for role in ROLE_OF_BLUEPRINT.values():
        client = app.test_client()
        form = {"username": make_user(role=role).username, "password": PASSWORD}
        form["csrf_token"] = csrf_token(client.get("/login"))
        assert client.post("/login", data=form).status_code == 303
        logged_in[role] = (client, csrf_token(client.get("/account")))
    return logged_in


@pytest.mark.parametrize("id_value", [MAX_ID, MAX_ID + 1, 99_999_999_999_999_999_999, 0])
def test_an_id_no_row_can_have_is_not_found(app, clients, id_value):
    routes = id_routes(app)
    assert {blueprint for blueprint, _, _ in routes} == set(ROLE_OF_BLUEPRINT)
    answers = {}
    for blueprint, method, rule in routes:
        client, token = clients[ROLE_OF_BLUEPRINT[blueprint]]
        path = re.sub(r"<int:\w+>", str(id_value), rule)
        data = {"csrf_token": token} if method == "POST" else None
        response = client.open(path, method=method, data=data)
        answers[f"{method} {path}"] = (
            response.status_code,
            "お探しのページは見つかりませんでした。" in response.text,
        )
    assert answers == dict.fromkeys(answers, (404, True))
