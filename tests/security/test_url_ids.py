"""An id in a URL that no row can have is a 404, like any record that does not exist.

Ids are PostgreSQL integers: sent to SQL, 2147483648 would be a database error (a 500).
Every route with an id in its path is opened by a user whose role may use it (ACCESS).
"""

import re

import pytest

from obento.models import MAX_ID, Role
from tests.conftest import PASSWORD, AppContextClient, csrf_token
from tests.security.test_access_matrix import ACCESS


@pytest.fixture
def clients(app, make_user):
    """A logged-in client and a CSRF token of its session for each role."""
    app.test_client_class = AppContextClient
    logged_in = {}
    for role in Role:
        client = app.test_client()
        form = {"username": make_user(role=role).username, "password": PASSWORD}
        form["csrf_token"] = csrf_token(client.get("/login"))
        assert client.post("/login", data=form).status_code == 303
        logged_in[role] = (client, csrf_token(client.get("/account")))
    return logged_in


@pytest.mark.parametrize("id_value", [MAX_ID, MAX_ID + 1, 10**20, 0])
def test_an_id_no_row_can_have_is_not_found(app, clients, id_value):
    answers = {}
    for rule in app.url_map.iter_rules():
        if not rule.arguments or rule.endpoint == "static":
            continue
        client, token = clients[min(ACCESS[rule.endpoint] & set(Role))]
        path = re.sub(r"<int:\w+>", str(id_value), rule.rule)
        for method in sorted(rule.methods & {"GET", "POST"}):
            data = {"csrf_token": token} if method == "POST" else None
            response = client.open(path, method=method, data=data)
            answers[f"{method} {path}"] = (
                response.status_code,
                "お探しのページは見つかりませんでした。" in response.text,
            )
    assert len(answers) >= 30
    assert answers == dict.fromkeys(answers, (404, True))
