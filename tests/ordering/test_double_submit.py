"""Two identical POSTs at the same moment (a double click) create one order."""

import threading

import pytest

from obento.extensions import db
from obento.models import OrderEvent
from tests.conftest import csrf_token
from tests.ordering.conftest import order_count


def _logged_in_client(app, username: str):
    client = app.test_client()
    page = client.get("/login")
    client.post(
        "/login",
        data={
            "username": username,
            "password": "correct horse battery",
            "csrf_token": csrf_token(page),
        },
    )
    return client


@pytest.mark.real_commits
@pytest.mark.parametrize("form_token", ["same-form-token", None])
def test_two_posts_at_once_create_one_order(app, client, world, form_token):
    clients = [_logged_in_client(app, world.staff.username) for _ in range(2)]
    pages = [c.get("/orders/") for c in clients]
    data = {"delivery_date": "2026-11-26", "menu_id": str(world.karaage.id), "quantity": "1"}
    if form_token:
        data["form_token"] = form_token
    barrier = threading.Barrier(2)
    responses = [None, None]

    def post(index: int) -> None:
        barrier.wait()
        with app.app_context():
            responses[index] = clients[index].post(
                "/orders/", data={**data, "csrf_token": csrf_token(pages[index])}
            )

    threads = [threading.Thread(target=post, args=(i,)) for i in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert [r.status_code for r in responses] == [303, 303]
    assert responses[0].headers["Location"] == responses[1].headers["Location"]
    db.session.expire_all()
    assert order_count(user_id=world.staff.id) == 1
    assert db.session.scalar(db.select(db.func.count(OrderEvent.id))) == 1
    shown = clients[0].get(responses[0].headers["Location"])
    assert "<h1>ご注文内容</h1>" in shown.text
