"""The order services directly: the last line of defence and the server-side checks."""

from datetime import date

import pytest

from obento.extensions import db
from obento.models import OrderStatus
from obento.services import DomainError
from obento.services import orders as order_service
from tests.conftest import jst
from tests.ordering.conftest import order_count


def test_the_unique_index_answers_with_the_existing_order(world, make_order, monkeypatch):
    """When the look-up misses a concurrent order, the insert's ON CONFLICT on the partial
    unique index inserts nothing and the existing order is the answer."""
    existing = make_order(world.staff, world.karaage, delivery_date=date(2026, 11, 26))
    real_facts = order_service._placement_facts
    real_lookup = order_service.live_order
    calls = []

    def stale_facts(*args):
        return real_facts(*args)._replace(live_order_id=None)  # the concurrent order unseen

    def counted_lookup(user, day):
        calls.append(day)
        return real_lookup(user, day)

    monkeypatch.setattr(order_service, "_placement_facts", stale_facts)
    monkeypatch.setattr(order_service, "live_order", counted_lookup)
    with pytest.raises(order_service.OrderExists) as raised:
        order_service.place_order(
            world.staff,
            delivery_date=date(2026, 11, 26),
            menu_id=world.sake.id,
            quantity=1,
            now=jst("2026-11-24 09:00"),
        )
    assert raised.value.order.id == existing.id
    assert calls == [date(2026, 11, 26)]
    # The session is still usable: nothing was inserted and no statement failed.
    assert order_count(user_id=world.staff.id) == 1
    db.session.commit()


@pytest.mark.parametrize("quantity", [0, 11, -1, 10**9, "1", None, True])
def test_place_order_checks_the_quantity_itself(world, quantity):
    with pytest.raises(DomainError) as raised:
        order_service.place_order(
            world.staff,
            delivery_date=date(2026, 11, 26),
            menu_id=world.sake.id,
            quantity=quantity,
            now=jst("2026-11-24 09:00"),
        )
    assert raised.value.field == "quantity"
    assert order_count() == 0


def test_cancelled_orders_cannot_be_changed(world, make_order):
    order = make_order(
        world.staff, world.karaage, delivery_date=date(2026, 11, 26), status=OrderStatus.CANCELLED
    )
    with pytest.raises(DomainError, match="すでにキャンセルされています"):
        order_service.change_order(
            order, world.staff, menu_id=world.sake.id, quantity=2, now=jst("2026-11-24 09:00")
        )


def test_an_unchanged_change_writes_no_event(world, make_order):
    order = make_order(world.staff, world.karaage, delivery_date=date(2026, 11, 26), quantity=2)
    changed = order_service.change_order(
        order, world.staff, menu_id=world.karaage.id, quantity=2, now=jst("2026-11-24 09:00")
    )
    assert changed is False
    assert order.events == []
