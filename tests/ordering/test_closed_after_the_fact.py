"""A day closed after orders were placed for it: by the shop (closed day) or the admin (holiday).

The day is closed only when its orders are to be cancelled as well, without a fee; an order
racing the closing is either cancelled with the others or refused.
"""

import re
from datetime import date
from pathlib import Path

import pytest
import sqlalchemy as sa

from obento.admin import holidays as holidays_views
from obento.extensions import db
from obento.models import Holiday, Order, OrderAction, OrderStatus, Role, ShopClosedDay
from obento.shop import manage
from tests.admin.test_admin_shops import RULES
from tests.conftest import csrf_token, post_during
from tests.ordering.conftest import events_of, order_count, order_data, order_log

DAY = date(2026, 12, 3)  # a Thursday
CONFIRM = "この日のご注文をキャンセル料なしでキャンセルする"


@pytest.fixture
def orders(world, make_company, make_user, make_order, make_shop, make_menu):
    """Two orders at さくら商事 and one at あおば建設 on DAY, and orders that must stay."""
    aoba = make_company(shops=[world.shop], name="あおば建設")
    on_day = [
        make_order(world.staff, world.karaage, DAY),
        make_order(make_user(company=world.company), world.sake, DAY),
        make_order(make_user(company=aoba), world.karaage, DAY),
    ]
    other_shop = make_shop(name="ひまわり食堂", opens_on_holidays=True)
    world.company.shops.append(other_shop)
    db.session.commit()
    staying = [
        make_order(world.staff, world.karaage, date(2026, 12, 4)),
        make_order(make_user(company=world.company), make_menu(other_shop), DAY),
    ]
    return on_day, staying


def _shop_login(world, login, make_user):
    user = make_user(role=Role.SHOP, shop=world.shop)
    login(user.username)
    return user


def _statuses(orders: list[Order]) -> list[tuple[str, int]]:
    for order in orders:
        db.session.refresh(order)
    return [(order.status, order.cancel_fee) for order in orders]


def test_closing_a_day_with_orders_asks_first_and_writes_nothing(
    client, world, orders, login, make_user, submit
):
    _shop_login(world, login, make_user)
    response = submit("/shop/calendar", {"day": "2026-12-03", "reason": "臨時休業"})
    assert response.status_code == 409
    assert (
        "この日にはすでにご注文が3件あります（あおば建設 1件、さくら商事 2件）。休業日にするには、"
        f"「{CONFIRM}」にチェックを入れてください。"
    ) in response.text
    assert 'id="cancel_orders-error"' in response.text  # beside the checkbox
    assert db.session.scalar(sa.select(sa.func.count(ShopClosedDay.id))) == 0
    on_day, staying = orders
    assert _statuses(on_day + staying) == [(OrderStatus.ORDERED, 0)] * 5
    assert all(len(events_of(order)) == 0 for order in on_day)


def test_a_confirmed_closing_cancels_the_days_orders_without_a_fee(
    app, client, world, orders, login, make_user, submit, clock
):
    clock.set_jst("2026-12-03 11:00")  # after the cancel deadline: the fee would be due
    shop_user = _shop_login(world, login, make_user)
    # Past the cancel deadline, the second box confirms (test_closing_past_deadline.py).
    form = {"day": "2026-12-03", "reason": "臨時休業", "cancel_orders": "y"}
    response = submit("/shop/calendar", {**form, "cancel_late_orders": "y"})
    assert response.status_code == 303
    page = client.get(response.headers["Location"]).text
    assert "2026年12月3日(木)を休業日にしました。" in page
    assert (
        "この日のご注文3件をキャンセルしました（あおば建設 1件、さくら商事 2件）。"
        "キャンセル料はかかりません。各社の会社代表へご連絡ください。"
    ) in page
    on_day, staying = orders
    assert _statuses(on_day) == [(OrderStatus.CANCELLED, 0)] * 3
    assert _statuses(staying) == [(OrderStatus.ORDERED, 0)] * 2
    reason = "まごころ弁当の休業日（臨時休業）"
    for order in on_day:
        assert order.cancelled_at is not None
        (event,) = events_of(order)
        assert event.action == OrderAction.CANCELLED and event.actor_id == shop_user.id
        assert event.detail == {"cancel_fee": 0, "reason": reason}
        assert f"order_id={order.id} " in order_log(app)

    login(world.staff.username)
    mine = client.get(f"/orders/{on_day[0].id}").text
    assert "キャンセル済みのご注文" in mine
    assert f"{reason}のため、キャンセル料なしでキャンセルされました。" in mine
    assert "キャンセル料はかかりません" in mine


def test_the_order_log_quotes_a_reason_with_spaces_quotes_or_equals_signs(
    app, client, world, orders, login, make_user, submit
):
    """The reason is free text: unquoted, `臨時休業 qty=99` would read as a field qty=99."""
    shop_user = _shop_login(world, login, make_user)
    form = {"day": "2026-12-03", "reason": '臨時休業 qty=99 "急用"', "cancel_orders": "y"}
    assert submit("/shop/calendar", form).status_code == 303
    order = orders[0][0]
    expected = (
        f"ORDER 注文取消 order_id={order.id} company={order.company_id} user={order.user_id} "
        f"shop={order.shop_id} menu={order.menu_id} qty=1 actor={shop_user.id} cancel_fee=0 "
        r'reason="まごころ弁当の休業日（臨時休業 qty=99 \"急用\"）"'
    )
    line = re.compile(
        rb"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\+0900 " + re.escape(expected.encode()) + rb"\n",
        re.MULTILINE,
    )
    files = sorted(Path(app.config["LOG_DIR"]).glob("order-*.log"))
    written = [path for path in files if line.search(path.read_bytes())]
    assert len(written) == 1, "the line is written once, byte for byte"

    login(make_user(role=Role.ADMIN).username)
    shown = client.get(f"/admin/logs/{written[0].name}").text
    assert expected.replace('"', "&#34;") in shown


def test_closing_waives_the_fees_of_orders_cancelled_earlier_that_day(
    client, world, orders, login, make_user, make_order, submit
):
    """No lunch is made on a closed day: a fee charged for cancelling it is owed no more."""
    charged = make_order(
        make_user(company=world.company, name="石井 花子"),
        world.karaage,
        DAY,
        status=OrderStatus.CANCELLED,
        cancel_fee=300,
    )
    free = make_order(make_user(company=world.company), world.sake, DAY, status="cancelled")
    shop_user = _shop_login(world, login, make_user)
    form = {"day": "2026-12-03", "reason": "臨時休業", "cancel_orders": "y"}
    page = client.get(submit("/shop/calendar", form).headers["Location"]).text
    assert (
        "この日のご注文3件をキャンセルしました（あおば建設 1件、さくら商事 2件）。"
        "キャンセル料はかかりません。すでにキャンセル料がかかっていたこの日のご注文1件は、"
        "キャンセル料を取り消しました。各社の会社代表へご連絡ください。"
    ) in page
    assert _statuses([charged, free]) == [(OrderStatus.CANCELLED, 0)] * 2
    (event,) = events_of(charged)
    assert event.actor_id == shop_user.id and event.detail == {
        "cancel_fee": 0,
        "waived_fee": 300,
        "waiver_reason": "まごころ弁当の休業日（臨時休業）",
    }
    assert events_of(free) == []

    login(make_user(role=Role.MANAGER, company=world.company).username)
    billing = client.get("/company/billing?month=2026-12").text
    assert "300円" not in billing
    login(make_user(role=Role.ADMIN).username)
    audit = client.get("/admin/audit").text
    assert "取り消したキャンセル料: 300円" in audit
    assert "取り消しの理由: まごころ弁当の休業日（臨時休業）" in audit


def test_the_company_list_and_the_history_say_why_a_closing_cancelled(
    client, world, orders, login, make_user, make_order, submit
):
    """Not just キャンセル済み: whoever reads the list sees that the shop closed and that no
    fee is owed, also for a fee taken back from an order cancelled earlier that day."""
    ishii = make_user(company=world.company, name="石井 花子")
    charged = make_order(ishii, world.karaage, DAY, status=OrderStatus.CANCELLED, cancel_fee=300)
    make_order(world.staff, world.sake, date(2026, 12, 4), status="cancelled")  # their own
    _shop_login(world, login, make_user)
    form = {"day": "2026-12-03", "reason": "臨時休業", "cancel_orders": "y"}
    assert submit("/shop/calendar", form).status_code == 303
    closed = "（まごころ弁当の休業日（臨時休業）のため、キャンセル料なし）"
    waived = "（まごころ弁当の休業日（臨時休業）のため、キャンセル料300円は取り消し）"

    login(make_user(role=Role.MANAGER, company=world.company).username)
    page = client.get("/company/orders?date=2026-12-04&days_ago=1").text
    badge = '<span class="badge badge-cancelled">キャンセル済み</span>'
    assert page.count(f'{badge}<span class="closing-note">{closed}</span>') == 2  # さくら商事's
    assert page.count(f'{badge}<span class="closing-note">{waived}</span>') == 1
    assert page.count(f"{badge}</td>") == 1  # the staff member's own cancel of 12-04: no reason

    login(world.staff.username)
    history = client.get("/orders/history?month=2026-12").text
    mark = '<span class="cancelled-mark">キャンセル済み</span>'
    assert f'{mark}<span class="closing-note">{closed}</span>' in history
    assert f"{mark}</td>" in history  # 12-04, cancelled by the staff member

    login(ishii.username)
    shown = client.get(f"/orders/{charged.id}").text
    assert (
        "<dt>キャンセル料の取り消し</dt><dd>まごころ弁当の休業日（臨時休業）のため、"
        "キャンセル料300円は取り消されました。</dd>"
    ) in shown
    assert (
        f'{mark}<span class="closing-note">{waived}</span>'
        in client.get("/orders/history?month=2026-12").text
    )


def test_a_day_with_only_a_charged_cancel_is_closed_without_asking(
    client, world, login, make_user, make_order, submit
):
    charged = make_order(world.staff, world.karaage, DAY, status="cancelled", cancel_fee=300)
    _shop_login(world, login, make_user)
    response = submit("/shop/calendar", {"day": "2026-12-03"})
    assert response.status_code == 303
    page = client.get(response.headers["Location"]).text
    waived = "すでにキャンセル料がかかっていたこの日のご注文1件は、キャンセル料を取り消しました。"
    assert waived in page
    assert "各社の会社代表" not in page
    assert _statuses([charged]) == [(OrderStatus.CANCELLED, 0)]


def test_a_day_without_orders_is_closed_without_asking(client, world, login, make_user, submit):
    _shop_login(world, login, make_user)
    response = submit("/shop/calendar", {"day": "2026-12-03"})
    assert response.status_code == 303
    page = client.get(response.headers["Location"]).text
    assert "2026年12月3日(木)を休業日にしました。" in page and "キャンセルしました" not in page
    assert CONFIRM in page  # the form is there again, unticked


def test_a_holiday_cancels_the_orders_of_shops_that_close_on_holidays(
    client, world, orders, login, make_user, submit
):
    admin = make_user(role=Role.ADMIN)
    login(admin.username)
    refused = submit("/admin/holidays", {"day": "2026-12-03", "name": "創立記念日"})
    assert refused.status_code == 409
    assert "この日にはすでにご注文が3件あります（あおば建設 1件、さくら商事 2件）。" in refused.text
    assert db.session.scalar(sa.select(sa.func.count(Holiday.id))) == 0

    form = {"day": "2026-12-03", "name": "創立記念日", "cancel_orders": "y"}
    response = submit("/admin/holidays", form)
    assert response.status_code == 303
    page = client.get(response.headers["Location"]).text
    assert "この日のご注文3件をキャンセルしました（あおば建設 1件、さくら商事 2件）。" in page
    on_day, staying = orders
    assert _statuses(on_day) == [(OrderStatus.CANCELLED, 0)] * 3
    assert _statuses(staying) == [(OrderStatus.ORDERED, 0)] * 2  # ひまわり食堂 opens on holidays
    assert events_of(on_day[0])[0].detail == {"cancel_fee": 0, "reason": "休日（創立記念日）"}
    audit = client.get("/admin/audit").text
    assert "理由: 休日（創立記念日）" in audit and "キャンセル料: 0円" in audit


@pytest.mark.real_commits
@pytest.mark.parametrize(
    ("closing", "message"),
    [
        (
            lambda shop: sa.insert(ShopClosedDay).values(shop_id=shop.id, day=DAY, reason=""),
            "2026年12月3日(木)は店舗の休業日です。",
        ),
        (
            lambda shop: sa.insert(Holiday).values(day=DAY, name="創立記念日"),
            "2026年12月3日(木)は祝日（創立記念日）のためお休みです。",
        ),
    ],
    ids=["closed-day", "holiday"],
)
def test_an_order_racing_the_closing_of_its_day_is_refused(
    app, client, world, login, closing, message
):
    """The placement read the day as open; its INSERT waits for the closing's lock and then
    sees the closed day: no order is left live on it."""
    login(world.staff.username)
    form = order_data(
        client.get("/orders/"), delivery_date="2026-12-03", menu_id=world.sake.id, quantity="1"
    )

    def close(other):
        other.execute(sa.text("LOCK TABLE orders IN EXCLUSIVE MODE"))
        other.execute(closing(world.shop))

    response = post_during(app, client, "/orders/", form, close)
    assert response.status_code == 409
    assert message in response.text
    assert order_count() == 0


@pytest.mark.real_commits
def test_closing_waits_for_an_order_being_placed_and_cancels_it(
    app, client, world, login, make_user
):
    shop_user = make_user(role=Role.SHOP, shop=world.shop)
    login(shop_user.username)
    form = {
        "day": "2026-12-03",
        "reason": "",
        "cancel_orders": "y",
        "csrf_token": csrf_token(client.get("/shop/calendar")),
    }
    placing = sa.insert(Order).values(
        user_id=world.staff.id,
        company_id=world.company.id,
        shop_id=world.shop.id,
        menu_id=world.karaage.id,
        delivery_date=DAY,
        quantity=1,
        unit_price=600,
        status=OrderStatus.ORDERED,
        cancel_fee=0,
        checked=False,
    )
    response = post_during(app, client, "/shop/calendar", form, lambda o: o.execute(placing))
    assert response.status_code == 303
    assert order_count(status=OrderStatus.CANCELLED) == 1 and order_count() == 1


def test_rules_that_close_a_day_with_orders_name_it_and_keep_the_orders(
    client, world, login, make_user, make_order, submit
):
    """Orders on a weekday the shop stops opening stay (it may still deliver them); the notice
    names the days and how to cancel them."""
    make_order(world.staff, world.karaage, date(2026, 12, 2))  # a Wednesday
    make_order(world.staff, world.karaage, date(2026, 12, 3))
    make_order(world.staff, world.karaage, date(2026, 11, 20), status=OrderStatus.ORDERED)
    _shop_login(world, login, make_user)
    thursday_off = {**RULES, "open_weekdays": ["0", "1", "2", "4"]}
    response = submit("/shop/settings", thursday_off)
    assert response.status_code == 303
    page = client.get(response.headers["Location"]).text
    assert "店舗の設定を保存しました。" in page
    assert (
        "お休みになった日にご注文が残っています（2026年12月3日(木) 1件）。お届けしない日は、"
        "休業日カレンダーでその日を休業日にすると、ご注文をキャンセルできます。"
    ) in page
    assert order_count(status=OrderStatus.ORDERED) == 3
    again = submit("/shop/settings", {**RULES, "open_weekdays": ["0", "1", "2", "3", "4"]})
    assert "お休みになった日" not in client.get(again.headers["Location"]).text


def test_the_order_and_one_tap_pages_say_which_orders_a_closing_cancelled(
    client, world, orders, login, make_user, submit, make_order
):
    _shop_login(world, login, make_user)
    form = {"day": "2026-12-03", "reason": "臨時休業", "cancel_orders": "y"}
    assert submit("/shop/calendar", form).status_code == 303
    world.staff.default_menu_id = world.karaage.id
    db.session.commit()
    login(world.staff.username)
    notice = (
        "2026年12月3日(木)</a> 唐揚げ弁当 1個: まごころ弁当の休業日（臨時休業）のため、"
        "キャンセル料なしでキャンセルされました。"
    )
    for page in ("/orders/", "/quick"):
        assert notice in client.get(page).text, page

    # Opened again and ordered again: the notice has done its work.
    closed_id = db.session.scalar(sa.select(ShopClosedDay.id))
    login(make_user(role=Role.SHOP, shop=world.shop).username)
    assert submit(f"/shop/calendar/{closed_id}/delete").status_code == 303
    make_order(world.staff, world.sake, DAY)
    login(world.staff.username)
    assert "お休みのためキャンセルされたご注文" not in client.get("/orders/").text


@pytest.mark.parametrize("value", ["0", "off", "no", "n", "False", "y ", "1"])
def test_only_the_checkboxs_own_value_confirms_the_cancelling(
    client, world, orders, login, make_user, submit, value
):
    """WTForms reads any value but "false" and "" as a ticked box: "0" or "off" would have
    cancelled the day's orders. Only "y", what the box sends, confirms."""
    _shop_login(world, login, make_user)
    form = {"day": "2026-12-03", "reason": "", "cancel_orders": value}
    response = submit("/shop/calendar", form)
    assert response.status_code == 409
    assert f"「{CONFIRM}」にチェックを入れてください。" in response.text
    # Shown again unticked, and ticking it sends the confirming value.
    assert 'id="cancel_orders" name="cancel_orders" type="checkbox" value="y"' in response.text
    assert 'name="cancel_orders" type="checkbox" value="y" checked' not in response.text
    assert db.session.scalar(sa.select(sa.func.count(ShopClosedDay.id))) == 0
    on_day, _ = orders
    assert _statuses(on_day) == [(OrderStatus.ORDERED, 0)] * 3


def test_a_refused_closing_lets_go_of_the_orders_table_before_rendering(
    client, world, orders, login, make_user, submit, monkeypatch
):
    """The closing locks every order write of every shop: the refusal's page is rendered
    after the lock is released, not while placements wait behind it."""
    locks_while_rendering = []
    render_month = manage.month_calendar

    def month_calendar(*args):
        locks_while_rendering.append(db.session.scalar(_OWN_EXCLUSIVE_LOCK_ON_ORDERS))
        return render_month(*args)

    monkeypatch.setattr(manage, "month_calendar", month_calendar)
    _shop_login(world, login, make_user)
    assert submit("/shop/calendar", {"day": "2026-12-03"}).status_code == 409
    assert locks_while_rendering == [0]

    admin = make_user(role=Role.ADMIN)
    login(admin.username)
    monkeypatch.setattr(
        holidays_views,
        "holiday_lines",
        lambda *args: (
            locks_while_rendering.append(db.session.scalar(_OWN_EXCLUSIVE_LOCK_ON_ORDERS)) or []
        ),
    )
    assert submit("/admin/holidays", {"day": "2026-12-03", "name": "休業"}).status_code == 409
    assert locks_while_rendering == [0, 0]


_OWN_EXCLUSIVE_LOCK_ON_ORDERS = sa.text(
    "SELECT count(*) FROM pg_locks WHERE pid = pg_backend_pid()"
    " AND relation = 'orders'::regclass AND mode = 'ExclusiveLock'"
)


def test_the_administrator_closes_a_shops_day_and_its_orders(
    client, world, orders, login, make_user, submit
):
    admin = make_user(role=Role.ADMIN, name="管理 一郎")
    login(admin.username)
    url = f"/admin/shops/{world.shop.id}/calendar"
    refused = submit(url, {"day": "2026-12-03", "reason": "設備点検"})
    assert refused.status_code == 409
    assert "この日にはすでにご注文が3件あります（あおば建設 1件、さくら商事 2件）。" in refused.text
    response = submit(url, {"day": "2026-12-03", "reason": "設備点検", "cancel_orders": "y"})
    assert response.status_code == 303
    assert response.headers["Location"] == f"{url}?month=2026-12"
    page = client.get(response.headers["Location"]).text
    assert "この日のご注文3件をキャンセルしました（あおば建設 1件、さくら商事 2件）。" in page
    on_day, staying = orders
    assert _statuses(on_day) == [(OrderStatus.CANCELLED, 0)] * 3
    assert _statuses(staying) == [(OrderStatus.ORDERED, 0)] * 2
    (event,) = events_of(on_day[0])
    assert event.actor_id == admin.id
    assert event.detail == {"cancel_fee": 0, "reason": "まごころ弁当の休業日（設備点検）"}


def test_the_manager_ordering_on_behalf_sees_what_a_closing_cancelled(
    client, world, orders, login, make_user, submit
):
    _shop_login(world, login, make_user)
    form = {"day": "2026-12-03", "reason": "臨時休業", "cancel_orders": "y"}
    assert submit("/shop/calendar", form).status_code == 303
    manager = make_user(role=Role.MANAGER, company=world.company)
    login(manager.username)
    page = client.get(f"/company/on-behalf/{world.staff.id}").text
    assert (
        "2026年12月3日(木) 唐揚げ弁当 1個: まごころ弁当の休業日（臨時休業）のため、"
        "キャンセル料なしでキャンセルされました。"
    ) in page
    on_day, _ = orders
    assert f"/orders/{on_day[0].id}" not in page  # the employee's own page: not the manager's

    # An employee of another company: that company's business, not this manager's.
    aoba_manager = make_user(role=Role.MANAGER, company_id=on_day[2].company_id)
    login(aoba_manager.username)
    page = client.get(f"/company/on-behalf/{on_day[2].user_id}").text
    assert "お休みのためキャンセルされたご注文" in page
    login(manager.username)
    assert client.get(f"/company/on-behalf/{on_day[2].user_id}").status_code == 404


def test_a_day_with_only_cancelled_orders_is_closed_without_asking(
    client, world, login, make_user, make_order, submit
):
    cancelled = make_order(world.staff, world.karaage, DAY, status=OrderStatus.CANCELLED)
    _shop_login(world, login, make_user)
    response = submit("/shop/calendar", {"day": "2026-12-03"})
    assert response.status_code == 303
    assert "キャンセルしました" not in client.get(response.headers["Location"]).text
    assert _statuses([cancelled]) == [(OrderStatus.CANCELLED, 0)]
    assert events_of(cancelled) == []


def test_a_holiday_for_shops_that_all_open_on_holidays_cancels_nothing_and_can_go_again(
    client, world, login, make_user, make_order, submit
):
    """Only shops that close on holidays close: orders at the others neither need the
    confirmation nor are cancelled. Removing the holiday lets the day be ordered again."""
    world.shop.opens_on_holidays = True
    db.session.commit()
    kept = make_order(world.staff, world.karaage, DAY)
    admin = make_user(role=Role.ADMIN)
    login(admin.username)
    response = submit("/admin/holidays", {"day": "2026-12-03", "name": "創立記念日"})
    assert response.status_code == 303
    assert "キャンセルしました" not in client.get(response.headers["Location"]).text
    assert _statuses([kept]) == [(OrderStatus.ORDERED, 0)]

    # A shop that closes on holidays: its order is cancelled; the holiday removed, the day
    # is ordered again and the notice has done its work.
    world.shop.opens_on_holidays = False
    db.session.commit()
    db.session.execute(sa.delete(Holiday))
    db.session.commit()
    form = {"day": "2026-12-03", "name": "創立記念日", "cancel_orders": "y"}
    assert submit("/admin/holidays", form).status_code == 303
    assert _statuses([kept]) == [(OrderStatus.CANCELLED, 0)]
    holiday_id = db.session.scalar(sa.select(Holiday.id))
    assert submit(f"/admin/holidays/{holiday_id}/delete").status_code == 303
    login(world.staff.username)
    assert "創立記念日）のため" in client.get("/orders/").text
    page = client.get("/orders/")
    form = order_data(page, delivery_date="2026-12-03", menu_id=world.sake.id, quantity="1")
    assert client.post("/orders/", data=form).status_code == 303
    assert order_count(status=OrderStatus.ORDERED) == 1
    assert "お休みのためキャンセルされたご注文" not in client.get("/orders/").text
