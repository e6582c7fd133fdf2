"""A change or cancel racing another one of the same order (a double click, a second tab, the
manager on the employee's behalf): the later request sees the committed cancel and writes
nothing."""

from datetime import date

import pytest
import sqlalchemy as sa

from obento.extensions import db
from obento.models import Order, OrderAction, OrderEvent, OrderStatus, Role
from tests.conftest import csrf_token, jst, post_during
from tests.ordering.conftest import events_of

pytestmark = pytest.mark.real_commits

THURSDAY = date(2026, 11, 26)
ALREADY_CANCELLED = "このご注文はすでにキャンセルされています。"


@pytest.fixture
def placed(world, make_order):
    return make_order(world.staff, world.karaage, delivery_date=THURSDAY, quantity=1)


def cancelled_elsewhere(order: Order, actor_id: int, at: str, fee: int):
    """The other transaction: the cancel that commits while the request waits for the row."""

    def cancel(other) -> None:
        when = jst(at)
        other.execute(
            sa.update(Order)
            .where(Order.id == order.id)
            .values(
                status=OrderStatus.CANCELLED, cancel_fee=fee, cancelled_at=when, updated_at=when
            )
        )
        other.execute(
            sa.insert(OrderEvent).values(
                order_id=order.id,
                actor_id=actor_id,
                action=OrderAction.CANCELLED,
                at=when,
                detail={"cancel_fee": fee},
            )
        )

    return cancel


def test_a_change_after_a_concurrent_cancel_is_refused(app, client, login, world, placed, clock):
    clock.set_jst("2026-11-25 13:00")
    login(world.staff.username)
    page = client.get(f"/orders/{placed.id}")  # the second tab, opened before the cancel
    data = {"csrf_token": csrf_token(page), "menu_id": world.sake.id, "quantity": "3"}
    cancel = cancelled_elsewhere(placed, world.staff.id, "2026-11-25 13:00", fee=0)
    response = post_during(app, client, f"/orders/{placed.id}", data, cancel)
    assert response.status_code == 409
    assert ALREADY_CANCELLED in response.text
    assert "キャンセル済みのご注文" in response.text
    assert "この内容に変更する" not in response.text
    db.session.refresh(placed)
    assert (placed.status, placed.menu_id, placed.quantity, placed.unit_price) == (
        OrderStatus.CANCELLED,
        world.karaage.id,
        1,
        600,
    )
    assert [event.action for event in events_of(placed)] == [OrderAction.CANCELLED]
    assert "ご注文を変更しました。" not in client.get(f"/orders/{placed.id}").text


def test_a_double_clicked_cancel_across_the_deadline_keeps_the_free_cancel(
    app, client, login, world, placed, clock
):
    clock.set_jst("2026-11-25 13:59:59")
    login(world.staff.username)
    page = client.get(f"/orders/{placed.id}")
    # The first click cancelled free of charge at 13:59:59; the second arrives at 14:00:00,
    # when a cancel would cost the fee.
    clock.set_jst("2026-11-25 14:00:00")
    cancel = cancelled_elsewhere(placed, world.staff.id, "2026-11-25 13:59:59", fee=0)
    response = post_during(
        app, client, f"/orders/{placed.id}/cancel", {"csrf_token": csrf_token(page)}, cancel
    )
    assert response.status_code == 409
    assert ALREADY_CANCELLED in response.text
    assert "キャンセル料300円がかかります" not in response.text
    db.session.refresh(placed)
    assert (placed.status, placed.cancel_fee) == (OrderStatus.CANCELLED, 0)
    assert placed.cancelled_at == jst("2026-11-25 13:59:59")
    [event] = events_of(placed)
    assert event.action == OrderAction.CANCELLED and event.detail == {"cancel_fee": 0}


def test_a_manager_cancelling_an_order_the_employee_just_cancelled_is_refused(
    app, client, login, world, placed, make_user, clock
):
    manager = make_user(role=Role.MANAGER, company=world.company, name="鈴木 部長")
    clock.set_jst("2026-11-26 08:00")
    login(manager.username)
    page = client.get(f"/company/on-behalf/{world.staff.id}")
    cancel = cancelled_elsewhere(placed, world.staff.id, "2026-11-26 07:59", fee=300)
    response = post_during(
        app,
        client,
        f"/company/on-behalf/orders/{placed.id}/cancel",
        {"csrf_token": csrf_token(page)},
        cancel,
    )
    assert response.status_code == 409
    assert ALREADY_CANCELLED in response.text
    db.session.refresh(placed)
    assert (placed.status, placed.cancel_fee) == (OrderStatus.CANCELLED, 300)
    [event] = events_of(placed)
    assert event.actor_id == world.staff.id
