"""The shop's check mark: bulk check/uncheck, idempotence, scoping, concurrency."""

import threading
import time

import pytest
import sqlalchemy as sa

from obento.extensions import db
from obento.models import Order, OrderAction, OrderEvent, OrderStatus, Shop, User
from obento.services.order_checks import check_orders
from tests.conftest import csrf_token, jst
from tests.report_world import TOMORROW


def events(order_id=None, action=None) -> list[OrderEvent]:
    query = sa.select(OrderEvent).order_by(OrderEvent.id)
    if order_id is not None:
        query = query.where(OrderEvent.order_id == order_id)
    if action is not None:
        query = query.where(OrderEvent.action == action)
    return db.session.scalars(query).all()


@pytest.fixture
def orders(clock, make_order, world):
    clock.set_jst("2026-11-25 09:00")
    return [
        make_order(world.staff[0], world.karaage, TOMORROW),
        make_order(world.staff[1], world.saba, TOMORROW),
        make_order(world.staff[2], world.karaage, TOMORROW, status=OrderStatus.CANCELLED),
    ]


def post_check(client, ids, checked, query="date=2026-11-26"):
    page = client.get(f"/shop/orders?{query}")
    return client.post(
        f"/shop/orders/check?{query}",
        data={
            "csrf_token": csrf_token(page),
            "order_id": [str(i) for i in ids],
            "checked": checked,
        },
    )


def test_check_marks_orders_and_records_one_event_each(client, login, clock, world, orders):
    login(world.shop_user.username)
    clock.set_jst("2026-11-25 10:00")
    response = post_check(client, [orders[0].id, orders[1].id], "1", "date=2026-11-26&days_ago=2")
    assert response.status_code == 303
    assert response.headers["Location"] == "/shop/orders?date=2026-11-26&days_ago=2"
    for order in orders[:2]:
        db.session.refresh(order)
        assert order.checked is True
        assert order.checked_at == jst("2026-11-25 10:00")
        assert order.checked_by_id == world.shop_user.id
    assert [(e.order_id, e.action, e.actor_id) for e in events()] == [
        (orders[0].id, OrderAction.CHECKED, world.shop_user.id),
        (orders[1].id, OrderAction.CHECKED, world.shop_user.id),
    ]
    page = client.get(response.headers["Location"])
    assert "2件の注文を確認済みにしました。" in page.text
    assert "確認済み <strong>2</strong>件" in page.text


def test_checking_again_changes_nothing(client, login, world, orders):
    login(world.shop_user.username)
    post_check(client, [orders[0].id], "1")
    first_checked_at = db.session.get(Order, orders[0].id).checked_at
    response = post_check(client, [orders[0].id, orders[1].id], "1")
    assert response.status_code == 303
    assert len(events(orders[0].id)) == 1
    assert len(events(orders[1].id)) == 1
    assert db.session.get(Order, orders[0].id).checked_at == first_checked_at
    assert "（1件はすでにその状態でした）" in client.get(response.headers["Location"]).text


def test_uncheck_clears_the_mark_once(client, login, world, orders):
    login(world.shop_user.username)
    post_check(client, [orders[0].id], "1")
    assert post_check(client, [orders[0].id, orders[1].id], "0").status_code == 303
    order = db.session.get(Order, orders[0].id)
    assert (order.checked, order.checked_at, order.checked_by_id) == (False, None, None)
    assert [e.action for e in events(orders[0].id)] == [OrderAction.CHECKED, OrderAction.UNCHECKED]
    assert events(orders[1].id) == []  # was never checked: nothing changed
    post_check(client, [orders[0].id], "0")
    assert len(events(orders[0].id)) == 2


def test_cancelled_orders_are_not_checked(client, login, world, orders):
    login(world.shop_user.username)
    response = post_check(client, [orders[2].id], "1")
    assert response.status_code == 303
    assert db.session.get(Order, orders[2].id).checked is False
    assert events() == []
    assert "キャンセル済みの1件は対象外です" in client.get(response.headers["Location"]).text


def test_another_shops_order_id_is_refused_and_nothing_written(
    client, login, world, orders, make_order
):
    foreign = make_order(world.staff[2], world.other_menu, TOMORROW)
    login(world.shop_user.username)
    response = post_check(client, [orders[0].id, foreign.id], "1")
    assert response.status_code == 404
    assert db.session.get(Order, orders[0].id).checked is False
    assert db.session.get(Order, foreign.id).checked is False
    assert events() == []
    # Naming the other shop in the URL does not help either.
    response = post_check(client, [foreign.id], "1", f"shop={world.other_shop.id}")
    assert response.status_code == 403
    assert events() == []


@pytest.mark.parametrize(
    ("ids", "checked", "message"),
    [
        ([], "1", "確認する注文を選んでください。"),
        (["abc"], "1", "注文の指定が正しくありません。"),
        (["-1"], "1", "注文の指定が正しくありません。"),
        (["99999999999"], "1", "注文の指定が正しくありません。"),
        ([str(n) for n in range(1, 1002)], "1", "一度に確認できるのは1000件までです。"),
        (None, "2", "確認済みにするか、未確認に戻すかを選んでください。"),
        (None, "", "確認済みにするか、未確認に戻すかを選んでください。"),
    ],
)
def test_bad_check_requests_get_a_message(client, login, world, orders, ids, checked, message):
    login(world.shop_user.username)
    response = post_check(client, [orders[0].id] if ids is None else ids, checked)
    assert response.status_code == 422
    assert message in response.text
    # Shown where the page opens, above the filter and the list, not beside the boxes below.
    assert response.text.index(message) < response.text.index('class="filter-form')
    assert events() == []
    assert db.session.get(Order, orders[0].id).checked is False


def test_check_without_csrf_token_is_refused(client, login, world, orders):
    login(world.shop_user.username)
    response = client.post("/shop/orders/check", data={"order_id": orders[0].id, "checked": "1"})
    assert response.status_code == 400
    assert events() == []


def test_the_check_all_form_lists_only_unchecked_live_orders(client, login, world, orders):
    login(world.shop_user.username)
    post_check(client, [orders[0].id], "1")
    page = client.get("/shop/orders?date=2026-11-26").text
    check_all = page[page.index("表示中の未確認の注文") - 400 :]
    assert f'<input type="hidden" name="order_id" value="{orders[1].id}">' in page
    assert f'<input type="hidden" name="order_id" value="{orders[0].id}">' not in page
    assert "表示中の未確認の注文（1件）をすべて確認済みにする" in check_all
    assert "data-select-all" in page and "js/select-all.js" in page


@pytest.mark.real_commits
def test_two_people_checking_at_once_write_one_event_per_order(
    app, clock, make_user, make_order, world
):
    """The first checker holds its row locks a moment; the second waits, then changes nothing."""
    clock.set_jst("2026-11-25 09:00")
    ids = [make_order(user, world.karaage, TOMORROW).id for user in world.staff]
    second_user = make_user(role="shop", shop=world.shop, name="まごころ店員")
    shop_id, first_user_id = world.shop.id, world.shop_user.id
    first_locked = threading.Event()
    results, errors = {}, []

    def checker(name, user_id, before=None, hold=0.0):
        try:
            with app.app_context():
                if before:
                    before.wait(5)
                shop = db.session.get(Shop, shop_id)
                result = check_orders(shop, ids, True, db.session.get(User, user_id))
                if name == "first":
                    first_locked.set()
                    time.sleep(hold)  # the second checker is now blocked on the row locks
                db.session.commit()
                results[name] = len(result.changed)
        except Exception as error:  # reported by the assertion below
            errors.append(error)

    threads = [
        threading.Thread(target=checker, args=("first", first_user_id, None, 0.5)),
        threading.Thread(target=checker, args=("second", second_user.id, first_locked)),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(15)
    assert errors == []
    assert results == {"first": 3, "second": 0}
    db.session.expire_all()
    assert len(events(action=OrderAction.CHECKED)) == 3
    assert {db.session.get(Order, i).checked_by_id for i in ids} == {first_user_id}


@pytest.mark.real_commits
def test_simultaneous_checks_from_a_barrier_never_duplicate_events(
    app, clock, make_user, make_order, world
):
    clock.set_jst("2026-11-25 09:00")
    ids = [make_order(user, world.karaage, TOMORROW).id for user in world.staff]
    users = [world.shop_user.id] + [make_user(role="shop", shop=world.shop).id for _ in range(3)]
    shop_id = world.shop.id
    barrier = threading.Barrier(len(users))
    changed, errors = [], []

    def checker(user_id):
        try:
            with app.app_context():
                shop, actor = db.session.get(Shop, shop_id), db.session.get(User, user_id)
                barrier.wait(5)
                changed.append(len(check_orders(shop, ids, True, actor).changed))
                db.session.commit()
        except Exception as error:
            errors.append(error)

    threads = [threading.Thread(target=checker, args=(user_id,)) for user_id in users]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(15)
    assert errors == []
    assert sum(changed) == 3
    db.session.expire_all()
    assert sorted(e.order_id for e in events(action=OrderAction.CHECKED)) == sorted(ids)


def test_admin_checks_the_orders_of_the_chosen_shop(client, login, make_user, world, orders):
    login(make_user(role="admin").username)
    query = f"shop={world.shop.id}&date=2026-11-26"
    response = post_check(client, [orders[0].id], "1", query)
    assert response.status_code == 303
    assert response.headers["Location"] == f"/shop/orders?date=2026-11-26&shop={world.shop.id}"
    assert db.session.get(Order, orders[0].id).checked is True
    # The same id under another shop is not found there.
    response = post_check(client, [orders[1].id], "1", f"shop={world.other_shop.id}")
    assert response.status_code == 404
    assert db.session.get(Order, orders[1].id).checked is False
    assert len(events()) == 1


def test_more_unchecked_orders_than_one_check_takes_are_explained(
    client, login, world, orders, monkeypatch
):
    """Above the per-request limit the check-all form is not offered (it would be refused)."""
    monkeypatch.setattr("obento.shop.views.MAX_ORDERS_PER_CHECK", 1)
    login(world.shop_user.username)
    page = client.get("/shop/orders?date=2026-11-26").text
    assert "をすべて確認済みにする" not in page
    assert "表示中の未確認の注文は2件です。まとめて確認済みにできるのは1件までのため" in page
    assert "選択した注文を確認済みにする" in page  # one by one still works


def test_the_links_name_the_period_shown(client, login, clock, world, orders):
    """The page shown at 23:59 offers the CSV and the check of that day, also after 00:00."""
    clock.set_jst("2026-11-26 23:59")
    login(world.shop_user.username)
    page = client.get("/shop/orders").text
    assert "/shop/orders.csv?date=2026-11-26&amp;days_ago=0" in page
    assert 'action="/shop/orders/check?date=2026-11-26&amp;days_ago=0"' in page
