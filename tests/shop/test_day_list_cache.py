"""The day list's rendered rows are reused while its orders are unchanged, never after."""

import pytest

from obento.extensions import db
from obento.models import OrderStatus
from obento.services import reports
from obento.shop import views
from tests.report_world import TODAY, YESTERDAY


@pytest.fixture
def builds(monkeypatch):
    """Count how often the day list reads and renders its rows instead of reusing them."""
    calls = []
    original = reports.shop_orders_with_digest

    def counting(*args, **kwargs):
        calls.append(args)
        return original(*args, **kwargs)

    monkeypatch.setattr(reports, "shop_orders_with_digest", counting)
    views.LISTINGS.clear()
    yield calls
    views.LISTINGS.clear()


def _open(client):
    page = client.get("/shop/orders?days_ago=0")
    assert page.status_code == 200
    return page.text


def test_an_unchanged_list_is_rendered_once(client, login, clock, make_order, world, builds):
    clock.set_jst("2026-11-25 09:00")
    make_order(world.staff[0], world.karaage, TODAY)
    login(world.shop_user.username)
    first = _open(client)
    second = _open(client)
    assert len(builds) == 1
    assert "青木 一郎" in second and second.count('name="order_id" value=') == 2
    # Everything but the per-request parts (CSP nonce, CSRF tokens) is the same page.
    assert (
        first.split("<main")[1].split('name="csrf_token"')[0]
        == (second.split("<main")[1].split('name="csrf_token"')[0])
    )


CHANGES = {
    "checked": lambda order, world: setattr(order, "checked", True),
    "cancelled": lambda order, world: (
        setattr(order, "status", OrderStatus.CANCELLED),
        setattr(order, "cancel_fee", 300),
    ),
    "quantity": lambda order, world: setattr(order, "quantity", 3),
    "unit price": lambda order, world: setattr(order, "unit_price", 520),
    "menu": lambda order, world: setattr(order, "menu_id", world.saba.id),
    "menu renamed": lambda order, world: setattr(world.karaage, "name", "特製唐揚げ弁当"),
    "employee renamed": lambda order, world: setattr(world.staff[0], "name", "青木 一朗"),
    "employee code": lambda order, world: setattr(world.staff[0], "employee_code", "00999"),
    "company renamed": lambda order, world: setattr(world.sakura, "name", "さくら商事本社"),
}


@pytest.mark.parametrize("change", CHANGES)
def test_any_change_to_a_shown_order_shows_at_once(
    client, login, clock, make_order, world, builds, change
):
    clock.set_jst("2026-11-25 09:00")
    order = make_order(world.staff[0], world.karaage, TODAY)
    login(world.shop_user.username)
    _open(client)
    CHANGES[change](order, world)  # same instant: the frozen clock leaves updated_at as it was
    db.session.flush()
    after = _open(client)
    assert len(builds) == 2
    expected = {
        "checked": "確認済み <strong>1</strong>件",
        "cancelled": "<s>青木 一郎</s>",
        "quantity": "1,500円",
        "unit price": "520円",
        "menu": "鯖の塩焼き弁当",
        "menu renamed": "特製唐揚げ弁当",
        "employee renamed": "青木 一朗",
        "company renamed": "さくら商事本社",
    }.get(change)
    if expected:
        assert expected in after


def test_a_new_order_and_a_new_day_are_not_served_from_the_old_list(
    client, login, clock, make_order, world, builds
):
    clock.set_jst("2026-11-25 09:00")
    make_order(world.staff[0], world.karaage, TODAY)
    login(world.shop_user.username)
    assert "石井 花子" not in _open(client)
    make_order(world.staff[1], world.karaage, TODAY)
    assert "石井 花子" in _open(client)
    clock.set_jst("2026-11-26 09:00")  # the next JST day: its own, empty list
    assert "この期間の注文はありません。" in _open(client)
    assert len(builds) == 3


def test_the_cache_keeps_to_its_byte_budget():
    cache = views.FragmentCache(max_bytes=100, max_item_bytes=60)
    for n in range(5):
        assert cache.get_or_build(("k", n), lambda n=n: (("k", n), f"v{n}", 40)) == f"v{n}"
    assert cache.get_or_build(("big", 0), lambda: (("big", 0), "big", 80)) == "big"
    assert cache._bytes <= 100
    kept = [key for key in cache._items]
    assert kept == [("k", 3), ("k", 4)]  # least recently used out first; too big not kept


def _chart_title(page: str, day: str) -> str:
    start = page.index(f"<title>{day}: ")
    return page[start : page.index("</title>", start)]


def test_the_chart_shows_today_at_once_and_settled_days_within_ten_minutes(
    client, login, clock, make_order, world
):
    clock.set_jst("2026-11-25 09:00")
    make_order(world.staff[0], world.karaage, TODAY, quantity=2)
    make_order(world.staff[1], world.karaage, YESTERDAY, quantity=1)
    login(world.shop_user.username)
    page = _open(client)
    assert _chart_title(page, "2026年11月25日(水)").endswith("2個")
    assert _chart_title(page, "2026年11月24日(火)").endswith("1個")

    # Today is still open: a new order counts at once.
    make_order(world.staff[2], world.karaage, TODAY, quantity=3)
    assert _chart_title(_open(client), "2026年11月25日(水)").endswith("5個")

    # Yesterday is settled (no one can order, change or cancel for it any more); an order
    # appearing there anyway (an import of old orders) shows within SETTLED_SECONDS.
    make_order(world.staff[2], world.karaage, YESTERDAY, quantity=4)
    assert _chart_title(_open(client), "2026年11月24日(火)").endswith("1個")
    clock.set_jst("2026-11-25 09:10")
    assert _chart_title(_open(client), "2026年11月24日(火)").endswith("5個")
