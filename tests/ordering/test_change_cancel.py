"""Changing and cancelling within the rules; another person's order stays out of reach."""

from datetime import date

import pytest

from obento.extensions import db
from obento.models import OrderAction, OrderStatus
from tests.conftest import csrf_token
from tests.ordering.conftest import events_of, order_log

THURSDAY = date(2026, 11, 26)


@pytest.fixture
def placed(world, make_order):
    return make_order(world.staff, world.karaage, delivery_date=THURSDAY, quantity=1)


def test_change_menu_and_quantity_before_the_deadline(app, client, login, world, placed, clock):
    clock.set_jst("2026-11-25 13:59:59")
    login(world.staff.username)
    page = client.get(f"/orders/{placed.id}")
    assert "注文締切までは、変更・キャンセルが無料です。" in page.text
    response = client.post(
        f"/orders/{placed.id}",
        data={"csrf_token": csrf_token(page), "menu_id": world.sake.id, "quantity": 3},
    )
    assert response.status_code == 303 and response.headers["Location"] == f"/orders/{placed.id}"
    db.session.refresh(placed)
    assert (placed.menu_id, placed.quantity, placed.unit_price) == (world.sake.id, 3, 650)
    [changed] = events_of(placed)
    assert changed.action == OrderAction.CHANGED and changed.actor_id == world.staff.id
    assert changed.detail == {
        "from_menu": world.karaage.id,
        "to_menu": world.sake.id,
        "from_qty": 1,
        "to_qty": 3,
    }
    assert f"ORDER 注文変更 order_id={placed.id}" in order_log(app)
    shown = client.get(response.headers["Location"]).text
    assert "ご注文を変更しました。" in shown and "1,950円" in shown


def test_change_after_the_order_deadline_is_refused(client, login, world, placed, clock):
    clock.set_jst("2026-11-25 13:59:59")
    login(world.staff.username)
    page = client.get(f"/orders/{placed.id}")  # opened before the deadline, sent after it
    clock.set_jst("2026-11-25 14:00:00")
    response = client.post(
        f"/orders/{placed.id}",
        data={"csrf_token": csrf_token(page), "menu_id": world.sake.id, "quantity": 2},
    )
    assert response.status_code == 409
    assert "注文締切（2026年11月25日(水) 14:00）を過ぎているため、内容を変更できません。" in (
        response.text
    )
    db.session.refresh(placed)
    assert (placed.menu_id, placed.quantity) == (world.karaage.id, 1)
    assert len(events_of(placed)) == 0


@pytest.mark.parametrize(
    ("menu_id", "quantity", "message"),
    [
        ("", "2", "メニューを選んでください。"),
        ("x", "2", "選ばれたメニューは見つかりません。"),
        (None, "11", "数量は1〜10個の中から選んでください。"),
        (None, "0", "数量は1〜10個の中から選んでください。"),
        (None, "", "数量は1〜10個の中から選んでください。"),
        ("inactive", "1", "「販売終了弁当」は現在ご注文を受け付けていません。"),
    ],
)
def test_bad_change_is_refused(client, login, world, placed, menu_id, quantity, message):
    login(world.staff.username)
    page = client.get(f"/orders/{placed.id}")
    menu_id = {None: world.sake.id, "inactive": world.inactive.id}.get(menu_id, menu_id)
    response = client.post(
        f"/orders/{placed.id}",
        data={"csrf_token": csrf_token(page), "menu_id": menu_id, "quantity": quantity},
    )
    assert response.status_code == 422
    assert message in response.text
    db.session.refresh(placed)
    assert (placed.menu_id, placed.quantity) == (world.karaage.id, 1)


def test_change_to_another_shops_menu_is_refused(
    client, login, world, placed, make_shop, make_menu
):
    other = make_shop()
    world.company.shops.append(other)
    db.session.commit()
    menu = make_menu(other, name="花の弁当")
    login(world.staff.username)
    page = client.get(f"/orders/{placed.id}")
    response = client.post(
        f"/orders/{placed.id}",
        data={"csrf_token": csrf_token(page), "menu_id": menu.id, "quantity": 1},
    )
    assert response.status_code == 422
    assert "いったんキャンセルしてから注文し直してください。" in response.text
    db.session.refresh(placed)
    assert placed.menu_id == world.karaage.id


@pytest.mark.parametrize(
    ("now", "fee", "message"),
    [
        ("2026-11-25 13:59:59", 0, "ご注文をキャンセルしました。"),
        ("2026-11-25 14:00:00", 300, "ご注文をキャンセルしました。キャンセル料300円がかかります。"),
        ("2026-11-26 10:29:59", 300, "ご注文をキャンセルしました。キャンセル料300円がかかります。"),
    ],
)
def test_cancel_is_free_then_costs_the_fee(
    app, client, login, world, placed, clock, now, fee, message
):
    clock.set_jst(now)
    login(world.staff.username)
    page = client.get(f"/orders/{placed.id}")
    if fee:
        assert "今キャンセルすると、キャンセル料<strong>300円</strong>がかかります。" in page.text
    response = client.post(f"/orders/{placed.id}/cancel", data={"csrf_token": csrf_token(page)})
    assert response.status_code == 303
    db.session.refresh(placed)
    assert placed.status == OrderStatus.CANCELLED and placed.cancel_fee == fee
    assert placed.cancelled_at is not None
    [event] = events_of(placed)
    assert event.action == OrderAction.CANCELLED and event.detail == {"cancel_fee": fee}
    assert f"ORDER 注文取消 order_id={placed.id}" in order_log(app)
    shown = client.get(response.headers["Location"]).text
    assert message in shown and "キャンセル済みのご注文" in shown


def test_cancel_after_the_cancel_deadline_is_refused(client, login, world, placed, clock):
    clock.set_jst("2026-11-26 10:29:59")
    login(world.staff.username)
    page = client.get(f"/orders/{placed.id}")
    clock.set_jst("2026-11-26 10:30:00")
    response = client.post(f"/orders/{placed.id}/cancel", data={"csrf_token": csrf_token(page)})
    assert response.status_code == 409
    assert (
        "キャンセル締切（2026年11月26日(木) 10:30）を過ぎているため、キャンセルできません。"
        "代金は全額お支払いいただきます。"
    ) in response.text
    db.session.refresh(placed)
    assert placed.status == OrderStatus.ORDERED and placed.cancel_fee == 0
    assert events_of(placed) == []
    assert "変更・キャンセルはできません" in response.text


def test_cancelling_twice_is_refused(client, login, world, placed):
    login(world.staff.username)
    page = client.get(f"/orders/{placed.id}")
    client.post(f"/orders/{placed.id}/cancel", data={"csrf_token": csrf_token(page)})
    again = client.post(f"/orders/{placed.id}/cancel", data={"csrf_token": csrf_token(page)})
    assert again.status_code == 409
    assert "このご注文はすでにキャンセルされています。" in again.text
    assert len(events_of(placed)) == 1


def test_another_users_order_is_not_found(client, login, world, placed, make_user):
    colleague = make_user(company=world.company)
    login(colleague.username)
    page = client.get("/orders/")
    token = csrf_token(page)
    assert client.get(f"/orders/{placed.id}").status_code == 404
    change = client.post(
        f"/orders/{placed.id}", data={"csrf_token": token, "menu_id": world.sake.id, "quantity": 5}
    )
    cancel = client.post(f"/orders/{placed.id}/cancel", data={"csrf_token": token})
    assert change.status_code == cancel.status_code == 404
    db.session.refresh(placed)
    assert (placed.status, placed.quantity) == (OrderStatus.ORDERED, 1)
    assert events_of(placed) == []


@pytest.mark.parametrize("order_id", ["0", str(10**12), "abc", "-1"])
def test_impossible_order_ids_are_not_found(client, login, world, order_id):
    login(world.staff.username)
    assert client.get(f"/orders/{order_id}").status_code == 404


def test_cancel_without_csrf_token_is_refused(client, login, world, placed):
    login(world.staff.username)
    assert client.post(f"/orders/{placed.id}/cancel").status_code == 400
    db.session.refresh(placed)
    assert placed.status == OrderStatus.ORDERED


def test_cancel_by_get_is_not_allowed(client, login, world, placed):
    login(world.staff.username)
    assert client.get(f"/orders/{placed.id}/cancel").status_code == 405


def test_bad_change_after_the_deadline_still_says_why(client, login, world, placed, clock):
    clock.set_jst("2026-11-26 11:00")
    login(world.staff.username)
    page = client.get(f"/orders/{placed.id}")
    assert "この内容に変更する" not in page.text
    response = client.post(
        f"/orders/{placed.id}",
        data={"csrf_token": csrf_token(page), "menu_id": "", "quantity": "99"},
    )
    assert response.status_code == 422
    assert "数量は1〜10個の中から選んでください。" in response.text
    assert response.text.count("メニューを選んでください。") == 1
    db.session.refresh(placed)
    assert placed.quantity == 1


def open_withdrawn(client, login, world, order, what: str):
    """Stop the ordered menu (唐揚げ弁当) being offered, then open the order as its owner."""
    if what == "menu deactivated":
        world.karaage.active = False
    elif what == "shop deactivated":
        world.shop.active = False
    else:  # the shop no longer delivers to the company
        world.company.shops.remove(world.shop)
    db.session.commit()
    login(world.staff.username)
    return client.get(f"/orders/{order.id}")


def post_change(client, page, order, menu, quantity: int):
    return client.post(
        f"/orders/{order.id}",
        data={"csrf_token": csrf_token(page), "menu_id": menu.id, "quantity": str(quantity)},
    )


WITHDRAWN = ["menu deactivated", "shop deactivated", "shop unlinked"]


@pytest.mark.parametrize("what", WITHDRAWN)
def test_the_quantity_of_a_withdrawn_menu_can_still_be_changed(
    app, client, login, world, placed, clock, what
):
    clock.set_jst("2026-11-25 13:00")
    page = open_withdrawn(client, login, world, placed, what)
    assert "唐揚げ弁当（受付終了）" in page.text
    assert f'id="change-menu-{world.karaage.id}" value="{world.karaage.id}" checked' in page.text
    assert "このご注文の数量は注文締切まで変更できます。" in page.text
    # Only a menu that can still be ordered is offered besides it.
    assert ("焼き鮭弁当" in page.text) is (what == "menu deactivated")
    response = post_change(client, page, placed, world.karaage, 3)
    assert response.status_code == 303
    db.session.refresh(placed)
    assert (placed.menu_id, placed.quantity, placed.unit_price) == (world.karaage.id, 3, 600)
    [changed] = events_of(placed)
    assert changed.action == OrderAction.CHANGED and changed.detail["to_qty"] == 3
    shown = client.get(response.headers["Location"]).text
    assert "ご注文を変更しました。" in shown and "1,800円" in shown


@pytest.mark.parametrize("what", WITHDRAWN)
def test_a_withdrawn_menu_is_still_not_changed_after_the_deadline(
    client, login, world, placed, clock, what
):
    clock.set_jst("2026-11-25 13:59")
    page = open_withdrawn(client, login, world, placed, what)
    clock.set_jst("2026-11-25 14:00")
    response = post_change(client, page, placed, world.karaage, 3)
    assert response.status_code == 409
    assert "注文締切（2026年11月25日(水) 14:00）を過ぎているため" in response.text
    db.session.refresh(placed)
    assert placed.quantity == 1 and events_of(placed) == []


@pytest.mark.parametrize(
    ("what", "message"),
    [
        ("shop deactivated", "「まごころ弁当」は現在ご注文を受け付けていません。"),
        ("shop unlinked", "選ばれたメニューは見つかりません。"),
    ],
)
def test_switching_to_another_menu_of_a_withdrawn_shop_is_refused(
    client, login, world, placed, clock, what, message
):
    clock.set_jst("2026-11-25 13:00")
    page = open_withdrawn(client, login, world, placed, what)
    response = post_change(client, page, placed, world.sake, 1)
    assert response.status_code == 422
    assert message in response.text
    db.session.refresh(placed)
    assert (placed.menu_id, placed.quantity) == (world.karaage.id, 1)
    assert events_of(placed) == []


def test_a_changeable_order_shows_the_price_it_was_placed_at(client, login, world, placed):
    world.karaage.price = 700
    db.session.commit()
    login(world.staff.username)
    text = client.get(f"/orders/{placed.id}").text
    assert "700円" not in text and "600円" in text


@pytest.mark.parametrize(
    ("now", "owed", "note"),
    [
        ("2026-11-25 13:59:59", "0円", "（キャンセル料はかかりません）"),
        ("2026-11-26 09:00", "300円", "（キャンセル料）"),
    ],
)
def test_a_cancelled_order_shows_what_is_owed_not_the_lunches(
    client, login, world, make_order, clock, now, owed, note
):
    order = make_order(world.staff, world.karaage, delivery_date=THURSDAY, quantity=2)
    clock.set_jst(now)
    login(world.staff.username)
    page = client.get(f"/orders/{order.id}")
    assert '<dt>合計</dt><dd class="total">1,200円</dd>' in page.text
    response = client.post(f"/orders/{order.id}/cancel", data={"csrf_token": csrf_token(page)})
    assert response.status_code == 303
    db.session.refresh(order)
    assert order.status == OrderStatus.CANCELLED and order.amount == int(owed[:-1])
    text = client.get(f"/orders/{order.id}").text
    assert '<dt>状態</dt><dd class="cancelled-mark">キャンセル済み</dd>' in text
    owed_html = f'<dd class="total">{owed}<span class="cancelled-mark">{note}</span></dd>'
    assert f"<dt>お支払い額</dt>{owed_html}" in text
    assert "1,200円" not in text and "<dt>合計</dt>" not in text
