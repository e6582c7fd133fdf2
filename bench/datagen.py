"""The benchmark data sets, written with COPY (psycopg 3 `cursor.copy`).

Both data sets have the same shape: 10 shops with 8 menus each, 200 companies (one of them with
500 employees, the others about 98), 20,000 staff and managers, one shop user per shop and an
admin. The large set holds 1,000,000 orders over the past 365 days, the small one the 10,000
most recent of the same orders: every day's orders come from a random generator seeded with
that day, so a day present in both sets holds exactly the same rows in both, and the day list
measured on both is the very same page.

Orders are realistic enough for the hot queries: only open days (Monday to Friday, no national
holiday), at most one order per person and day (the partial unique index), a few per cent
cancelled (half of them after the order deadline, with the shop's fee), nearly every past order
checked by its shop. Nothing is dated today or later, so the order-placement scenario starts
from an empty future.

Every user has the same password; its argon2 hash is computed once (with the app's own
hasher, so logging in does not rehash it).
"""

import io
import random
import time as clock
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import NamedTuple

import jpholiday
import psycopg

from obento.calendar import local_instant, local_today

PASSWORD = "bench-password-2026"  # every bench user's password  # noqa: S105  # nosec B105
SEED = 20261125
SHOP_FEE = 300
NULL = "\\N"  # COPY's text format
# Every shop lets people order this many days ahead (the CHECK allows up to 90): the order
# scenario needs many (user, date) pairs, and every login costs an argon2 verification.
MAX_DAYS_AHEAD = 90
MENU_NAMES = [
    ("日替わり弁当", 480),
    ("唐揚げ弁当", 550),
    ("焼き魚弁当", 600),
    ("ハンバーグ弁当", 620),
    ("幕の内弁当", 700),
    ("ヘルシー弁当", 580),
    ("のり弁当", 450),
    ("特製かつ丼", 800),
]
ALLERGENS = [
    "小麦・卵",
    "小麦・大豆",
    "さば・大豆",
    "卵・乳・小麦",
    "えび・小麦",
    "",
    "小麦",
    "卵・小麦・豚肉",
]


@dataclass
class Spec:
    """How big a data set is; `orders` is the size of the full history."""

    shops: int = 10
    companies: int = 200
    users: int = 20_000  # staff and managers
    orders: int = 1_000_000
    history_days: int = 365
    big_company_size: int = 500
    menus_per_shop: int = len(MENU_NAMES)
    keep_orders: int | None = None  # keep only the most recent N orders (the small set)
    seed: int = SEED


@dataclass
class StaffUser:
    id: int
    username: str
    company_id: int
    shop_id: int  # the home shop (its menus are orderable for the user's company)
    default_menu_id: int


@dataclass
class DataSet:
    """What the scenarios need to know about a built data set."""

    database: str
    orders: int
    day_list_shop_id: int
    day_list_shop_username: str
    day_list_date: date
    day_list_orders: int
    billing_company_id: int
    billing_manager_username: str
    billing_month: str
    billing_orders: int
    staff: list[StaffUser] = field(repr=False)
    timings: dict[str, float] = field(default_factory=dict)


@dataclass
class _World:
    """The entities (identical in every data set built from the same spec)."""

    company_sizes: list[int]
    company_shops: list[list[int]]  # shop indexes per company
    user_company: list[int]  # company index per user index
    user_home_shop: list[int]  # shop index per user index
    user_default_menu: list[int]  # menu id per user index
    managers: set[int]  # user indexes


def open_days(first: date, last: date) -> list[date]:
    """Monday to Friday, national holidays excepted (the shops' default calendar)."""
    days, day = [], first
    while day <= last:
        if day.weekday() < 5 and not jpholiday.is_holiday(day):
            days.append(day)
        day += timedelta(days=1)
    return days


def menu_id(shop: int, index: int, spec: Spec) -> int:
    return shop * spec.menus_per_shop + index + 1


def shop_user_id(shop: int, spec: Spec) -> int:
    return spec.users + shop + 1


def _make_world(spec: Spec) -> _World:
    rng = random.Random(spec.seed)  # reproducible test data  # noqa: S311  # nosec B311
    rest = spec.users - spec.big_company_size
    others = spec.companies - 1
    sizes = [spec.big_company_size] + [
        rest // others + (1 if i < rest % others else 0) for i in range(others)
    ]
    # Shops differ in popularity (weights 7..16): the smaller ones get about 200 to 300 orders a
    # day, the busiest about 700, so that some shop has close to 300 on the day-list day.
    weights = [i + 7 for i in range(spec.shops)]
    company_shops = []
    for c in range(spec.companies):
        count = 2 if c == 0 else rng.choice((1, 2, 2, 3))
        chosen: list[int] = []
        while len(chosen) < count:
            shop = rng.choices(range(spec.shops), weights)[0]
            if shop not in chosen:
                chosen.append(shop)
        company_shops.append(sorted(chosen))
    user_company, user_home_shop, user_default_menu, managers = [], [], [], set()
    for c, size in enumerate(sizes):
        for k in range(size):
            u = len(user_company)
            if k == 0:
                managers.add(u)
            shop = rng.choices(company_shops[c], [weights[s] for s in company_shops[c]])[0]
            user_company.append(c)
            user_home_shop.append(shop)
            user_default_menu.append(menu_id(shop, rng.randrange(spec.menus_per_shop), spec))
    return _World(sizes, company_shops, user_company, user_home_shop, user_default_menu, managers)


def _ts(instant: datetime) -> str:
    return instant.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S+00")


def _copy(cur: psycopg.Cursor, table: str, columns: str, lines) -> int:
    """COPY text lines (tab-separated, \\N for NULL) into `table`; return the row count."""
    count = 0
    buffer = io.StringIO()
    with cur.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
        for line in lines:
            buffer.write(line)
            count += 1
            if buffer.tell() > 1 << 20:
                copy.write(buffer.getvalue())
                buffer = io.StringIO()
        copy.write(buffer.getvalue())
    return count


def _entity_lines(spec: Spec, world: _World, password_hash: str, now: datetime):
    created = _ts(now - timedelta(days=spec.history_days + 30))
    shops = [
        f"{s + 1}\tベンチ弁当{s + 1:02d}\t03-0000-{s + 1:04d}\t03-1000-{s + 1:04d}\t"
        f"shop{s + 1:02d}@example.jp\t{SHOP_FEE}\t{MAX_DAYS_AHEAD}\t{created}\t{created}\n"
        for s in range(spec.shops)
    ]
    companies = [
        f"{c + 1}\tベンチ商事{c + 1:03d}\t06-0000-{c + 1:04d}\t06-1000-{c + 1:04d}\t"
        f"大阪市北区{c + 1}丁目\t{created}\t{created}\n"
        for c in range(spec.companies)
    ]
    links = [f"{c + 1}\t{s + 1}\n" for c, shops_ in enumerate(world.company_shops) for s in shops_]
    menus = [
        f"{menu_id(s, m, spec)}\t{s + 1}\t{name}\t{price + 10 * s}\t本日のおすすめ\t"
        f"{ALLERGENS[m]}\t{m}\t{created}\t{created}\n"
        for s in range(spec.shops)
        for m, (name, price) in enumerate(MENU_NAMES[: spec.menus_per_shop])
    ]
    users = []
    for u in range(spec.users):
        role = "manager" if u in world.managers else "staff"
        users.append(
            f"{u + 1}\tu{u + 1:05d}\t{password_hash}\t社員{u + 1:05d}\t{u + 1:06d}\t{role}\t"
            f"{world.user_company[u] + 1}\t{NULL}\t{world.user_default_menu[u]}\t"
            f"{created}\t{created}\n"
        )
    for s in range(spec.shops):
        users.append(
            f"{shop_user_id(s, spec)}\tshop{s + 1:02d}\t{password_hash}\tベンチ弁当{s + 1:02d}\t\t"
            f"shop\t\\N\t{s + 1}\t\\N\t{created}\t{created}\n"
        )
    users.append(
        f"{spec.users + spec.shops + 1}\tbench-admin\t{password_hash}\t管理者\t\tadmin\t"
        f"\\N\t\\N\t\\N\t{created}\t{created}\n"
    )
    return shops, companies, links, menus, users


class _Order(NamedTuple):
    user: int
    company: int
    shop: int
    menu: int
    quantity: int
    price: int
    status: str
    fee: int
    checked_at: datetime | None
    checked_by: int | None
    created_at: datetime
    cancelled_at: datetime | None


def _day_orders(day: date, count: int, spec: Spec, world: _World, prices: dict[int, int]):
    """Yield the orders delivered on `day` (ids are 1-based), the same ones every time."""
    rng = random.Random(spec.seed * 1_000_000 + day.toordinal())  # noqa: S311  # nosec B311
    deadline = local_instant(day - timedelta(days=1), time(14, 0))
    morning = local_instant(day, time(7, 0))
    for u in sorted(rng.sample(range(spec.users), count)):
        company = world.user_company[u]
        shop = world.user_home_shop[u]
        if rng.random() < 0.1:
            shop = rng.choice(world.company_shops[company])
        if shop == world.user_home_shop[u] and rng.random() < 0.5:
            menu = world.user_default_menu[u]
        else:
            menu = menu_id(shop, rng.randrange(spec.menus_per_shop), spec)
        roll = rng.random()
        quantity = 1 if roll < 0.92 else (2 if roll < 0.98 else 3)
        created = deadline - timedelta(minutes=rng.randrange(60, 60 * 24 * 5))
        status, fee, cancelled_at, checked_at, checked_by = "ordered", 0, None, None, None
        if rng.random() < 0.03:
            status = "cancelled"
            if rng.random() < 0.5:  # after the order deadline: the fee is owed
                fee = SHOP_FEE
                cancelled_at = morning + timedelta(minutes=rng.randrange(0, 210))
            else:
                cancelled_at = deadline - timedelta(minutes=rng.randrange(1, 60))
        elif rng.random() < 0.97:
            checked_at = morning + timedelta(minutes=rng.randrange(0, 180))
            checked_by = shop_user_id(shop, spec)
        yield _Order(
            u + 1, company + 1, shop + 1, menu, quantity, prices[menu], status, fee, checked_at,
            checked_by, created, cancelled_at,
        )  # fmt: skip


def _order_line(order_id: int, day: date, order: _Order) -> str:
    updated = order.cancelled_at or order.checked_at or order.created_at
    return (
        f"{order_id}\t{order.user}\t{order.company}\t{order.shop}\t{order.menu}\t{day}\t"
        f"{order.quantity}\t{order.price}\t{order.status}\t{order.fee}\t"
        f"{'t' if order.checked_at else 'f'}\t"
        f"{_ts(order.checked_at) if order.checked_at else NULL}\t{order.checked_by or NULL}\t"
        f"{_ts(order.created_at)}\t{_ts(updated)}\t"
        f"{_ts(order.cancelled_at) if order.cancelled_at else NULL}\n"
    )


def _event_lines(order_id: int, order: _Order) -> list[str]:
    lines = [f"{order_id}\t{order.user}\tplaced\t{_ts(order.created_at)}\n"]
    if order.cancelled_at:
        lines.append(f"{order_id}\t{order.user}\tcancelled\t{_ts(order.cancelled_at)}\n")
    return lines


def _order_days(spec: Spec, today: date) -> list[tuple[date, int]]:
    """(day, number of orders) of the history, newest first, trimmed to `keep_orders`."""
    days = open_days(today - timedelta(days=spec.history_days), today - timedelta(days=1))
    per_day, extra = divmod(spec.orders, len(days))
    counts = [per_day + (1 if i < extra else 0) for i in range(len(days))]
    plan = list(zip(reversed(days), counts, strict=True))
    if spec.keep_orders is None:
        return plan
    kept, total = [], 0
    for day, count in plan:
        if total >= spec.keep_orders:
            break
        take = min(count, spec.keep_orders - total)
        kept.append((day, take))
        total += take
    return kept


def _without_indexes(conn: psycopg.Connection, tables: list[str]):
    """Drop the secondary indexes and foreign keys of `tables`; return the SQL re-creating them.

    Bulk loading then rebuilding is several times faster than maintaining them row by row, and
    re-adding a foreign key validates it in one pass, so the data set is checked all the same.
    """
    restore_indexes, restore_fks = [], []
    for table in tables:
        for name, definition in conn.execute(
            "SELECT i.indexrelid::regclass::text, pg_get_indexdef(i.indexrelid) FROM pg_index i"
            " WHERE i.indrelid = %s::regclass AND NOT i.indisprimary AND NOT EXISTS"
            " (SELECT 1 FROM pg_constraint c WHERE c.conindid = i.indexrelid)",
            (table,),
        ):
            conn.execute(f"DROP INDEX {name}")
            restore_indexes.append(definition)
        for name, definition in conn.execute(
            "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint"
            " WHERE conrelid = %s::regclass AND contype = 'f'",
            (table,),
        ):
            conn.execute(f'ALTER TABLE {table} DROP CONSTRAINT "{name}"')
            restore_fks.append(f'ALTER TABLE {table} ADD CONSTRAINT "{name}" {definition}')
    return restore_indexes + restore_fks


def build(dsn: str, database: str, spec: Spec, now: datetime, log=print) -> DataSet:
    """Fill the empty, migrated database at `dsn`; return what the scenarios need."""
    from obento.services.passwords import hash_password

    timings: dict[str, float] = {}
    started = clock.monotonic()
    today = local_today(now)
    world = _make_world(spec)
    password_hash = hash_password(PASSWORD)
    prices = {
        menu_id(s, m, spec): price + 10 * s
        for s in range(spec.shops)
        for m, (_, price) in enumerate(MENU_NAMES[: spec.menus_per_shop])
    }
    plan = _order_days(spec, today)
    newest_day = plan[0][0]
    billing_month = _billing_month(today, newest_day, spec)

    with psycopg.connect(dsn) as conn, conn.cursor() as cur:
        shops, companies, links, menus, users = _entity_lines(spec, world, password_hash, now)
        _copy(
            cur,
            "shops",
            "id, name, tel, fax, email, cancel_fee, max_days_ahead, created_at, updated_at",
            shops,
        )
        _copy(cur, "companies", "id, name, tel, fax, address, created_at, updated_at", companies)
        _copy(cur, "company_shops", "company_id, shop_id", links)
        _copy(
            cur,
            "menus",
            "id, shop_id, name, price, description, allergens, sort_order, created_at, updated_at",
            menus,
        )
        _copy(
            cur,
            "users",
            "id, username, password_hash, name, employee_code, role, company_id, "
            "shop_id, default_menu_id, created_at, updated_at",
            users,
        )
        timings["entities"] = clock.monotonic() - started

        step = clock.monotonic()
        restore = _without_indexes(conn, ["orders", "order_events"])
        day_list_counts: dict[int, int] = {}
        billing_orders = 0
        event_lines: list[str] = []

        def order_lines():
            nonlocal billing_orders
            order_id = 0
            for day, count in plan:
                for order in _day_orders(day, count, spec, world, prices):
                    order_id += 1
                    if day == newest_day:
                        day_list_counts[order.shop] = day_list_counts.get(order.shop, 0) + 1
                    if order.company == 1 and f"{day:%Y-%m}" == billing_month:
                        billing_orders += 1
                    event_lines.extend(_event_lines(order_id, order))
                    yield _order_line(order_id, day, order)

        orders = _copy(
            cur,
            "orders",
            "id, user_id, company_id, shop_id, menu_id, delivery_date, "
            "quantity, unit_price, status, cancel_fee, checked, checked_at, "
            "checked_by_id, created_at, updated_at, cancelled_at",
            order_lines(),
        )
        _copy(cur, "order_events", "order_id, actor_id, action, at", event_lines)
        timings["orders_copy"] = clock.monotonic() - step
        log(f"  copied {orders:,} orders in {timings['orders_copy']:.1f} s; rebuilding indexes")

        step = clock.monotonic()
        for statement in restore:
            cur.execute(statement)
        for table in ("shops", "companies", "menus", "users", "orders", "order_events"):
            sequence = f"pg_get_serial_sequence('{table}', 'id')"
            highest = f"(SELECT coalesce(max(id), 0) + 1 FROM {table})"  # noqa: S608 (fixed table names)
            cur.execute(f"SELECT setval({sequence}, {highest}, false)")
        conn.commit()
        timings["indexes"] = clock.monotonic() - step

    step = clock.monotonic()
    with psycopg.connect(dsn, autocommit=True) as conn:
        conn.execute("VACUUM (ANALYZE)")
    timings["vacuum_analyze"] = clock.monotonic() - step
    timings["total"] = clock.monotonic() - started

    shop = min(day_list_counts, key=lambda s: (abs(day_list_counts[s] - 300), s))
    staff = [
        StaffUser(
            id=u + 1,
            username=f"u{u + 1:05d}",
            company_id=world.user_company[u] + 1,
            shop_id=world.user_home_shop[u] + 1,
            default_menu_id=world.user_default_menu[u],
        )
        for u in range(spec.users)
        if u not in world.managers
    ]
    return DataSet(
        database=database,
        orders=orders,
        day_list_shop_id=shop,
        day_list_shop_username=f"shop{shop:02d}",
        day_list_date=newest_day,
        day_list_orders=day_list_counts[shop],
        billing_company_id=1,
        billing_manager_username="u00001",
        billing_month=billing_month,
        billing_orders=billing_orders,
        staff=staff,
        timings=timings,
    )


def _billing_month(today: date, newest_day: date, spec: Spec) -> str:
    """The last complete month for the full history; for the small set (a few days of orders)
    the month of its newest day."""
    if spec.keep_orders is not None:
        return f"{newest_day:%Y-%m}"
    return f"{today.replace(day=1) - timedelta(days=1):%Y-%m}"
