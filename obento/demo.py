"""The demo data set loaded by `flask obento seed-demo`."""

import random
from datetime import time, timedelta

import sqlalchemy as sa

from obento.calendar import holiday_name, local_instant, local_today
from obento.clock import utcnow
from obento.extensions import db
from obento.models import (
    Company,
    Menu,
    Order,
    OrderAction,
    OrderEvent,
    OrderStatus,
    Role,
    Shop,
    User,
)
from obento.services.passwords import hash_password

DEMO_PASSWORD = "obento-demo"  # documented demo login  # noqa: S105  # nosec B105

SHOPS = [
    {
        "name": "まごころ弁当",
        "login": "magokoro",
        "tel": "03-1234-5678",
        "fax": "03-1234-5679",
        "email": "order@magokoro.example.jp",
        "address": "東京都千代田区神田1-2-3",
        "menus": [
            ("日替わり弁当", 550, "本日のおかず3品とご飯", "小麦,卵,乳,大豆"),
            ("唐揚げ弁当", 600, "国産鶏の唐揚げ5個", "小麦,卵,大豆"),
            ("焼き鮭弁当", 650, "塩鮭と季節の副菜", "さけ,大豆"),
            ("ミニ弁当", 450, "少なめのご飯と副菜", "小麦,卵"),
        ],
    },
    {
        "name": "キッチン花",
        "login": "hana",
        "tel": "045-987-6543",
        "fax": "045-987-6544",
        "email": "info@kitchen-hana.example.jp",
        "address": "神奈川県横浜市中区本町4-5-6",
        "order_deadline_days_before": 0,
        "order_deadline_time": time(9, 30),
        "cancel_fee": 200,
        "menus": [
            ("幕の内弁当", 700, "煮物・焼き魚・卵焼きの定番", "小麦,卵,大豆,さば"),
            ("ヘルシー弁当", 580, "野菜中心・500kcal以下", "大豆,ごま"),
            ("のり弁当", 450, "白身魚フライとちくわ天", "小麦,卵,えび"),
        ],
    },
]

COMPANIES = [
    (
        "株式会社さくら商事",
        "03-5555-0101",
        "03-5555-0102",
        "東京都港区芝5-1-1",
        "sakura",
        ["まごころ弁当", "キッチン花"],
        ["田中 一郎", "鈴木 美咲", "高橋 健太", "伊藤 由美"],
        "佐藤 花子",
    ),
    (
        "みどり建設株式会社",
        "03-5555-0201",
        "03-5555-0202",
        "東京都品川区大崎2-2-2",
        "midori",
        ["まごころ弁当"],
        ["渡辺 翔", "山本 さくら", "中村 大輔"],
        "小林 誠",
    ),
    (
        "社会福祉法人あおぞら会",
        "045-555-0301",
        "045-555-0302",
        "神奈川県横浜市西区みなとみらい3-3",
        "aozora",
        ["キッチン花"],
        ["加藤 陽子", "吉田 隆", "山田 恵"],
        "松本 直子",
    ),
]


def existing_data() -> dict[str, int]:
    """Count the rows of the tables real data lives in (seed-demo refuses to mix with it)."""
    return {
        model.__tablename__: db.session.scalar(sa.select(sa.func.count()).select_from(model))
        for model in (Company, Shop, Menu, User, Order)
    }


def _get_or_add(model, name: str, **values):
    found = db.session.scalar(sa.select(model).where(model.name == name))
    if found is None:
        found = model(name=name, **values)
        db.session.add(found)
        db.session.flush()
    return found


def _user(username: str, name: str, role: Role, **scope) -> User:
    found = db.session.scalar(sa.select(User).where(User.username == username))
    if found is None:
        found = User(
            username=username,
            name=name,
            role=role,
            password_hash=hash_password(DEMO_PASSWORD),
            **scope,
        )
        db.session.add(found)
        db.session.flush()
    return found


def seed_demo() -> str:
    """Add the demo shops, companies, menus, users and orders; return a summary."""
    shops, menus = {}, {}
    for spec in SHOPS:
        spec = dict(spec)
        menu_specs = spec.pop("menus")
        login = spec.pop("login")
        shop = _get_or_add(Shop, spec.pop("name"), **spec)
        shops[shop.name] = shop
        for sort_order, (name, price, description, allergens) in enumerate(menu_specs):
            menu = db.session.scalar(
                sa.select(Menu).where(Menu.shop_id == shop.id, Menu.name == name)
            )
            if menu is None:
                menu = Menu(
                    shop_id=shop.id,
                    name=name,
                    price=price,
                    description=description,
                    allergens=allergens,
                    sort_order=sort_order,
                )
                db.session.add(menu)
            menus.setdefault(shop.name, []).append(menu)
        _user(login, f"{shop.name} 店舗", Role.SHOP, shop_id=shop.id)
    db.session.flush()

    _user("admin", "システム管理者", Role.ADMIN)
    orderers = []
    for name, tel, fax, address, key, shop_names, staff, manager in COMPANIES:
        company = _get_or_add(Company, name, tel=tel, fax=fax, address=address)
        for shop_name in shop_names:
            if shops[shop_name] not in company.shops:
                company.shops.append(shops[shop_name])
        first_menu = menus[shop_names[0]][0]
        orderers.append(
            (company, _user(f"{key}-manager", manager, Role.MANAGER, company_id=company.id))
        )
        for number, staff_name in enumerate(staff, start=1):
            user = _user(
                f"{key}{number}",
                staff_name,
                Role.STAFF,
                company_id=company.id,
                employee_code=f"{number:05d}",
                default_menu_id=first_menu.id,
            )
            orderers.append((company, user))
    db.session.flush()

    placed = _seed_orders(orderers, menus)
    return (
        f"Demo loaded: {len(shops)} shops, {len(COMPANIES)} companies, {len(orderers)} "
        f"staff and managers, {placed} new orders. Password of every demo user: {DEMO_PASSWORD}"
    )


def _seed_orders(orderers, menus) -> int:
    """Two weeks of orders before today and a few days after, on shop days only."""
    rng = random.Random(20261125)  # demo data, not security  # noqa: S311  # nosec B311
    now = utcnow()
    today = local_today(now)
    placed = 0
    for offset in range(-14, 4):
        day = today + timedelta(days=offset)
        if day.weekday() >= 5 or holiday_name(day):
            continue
        for company, user in orderers:
            if rng.random() > 0.75:
                continue
            exists = db.session.scalar(
                sa.select(Order.id).where(Order.user_id == user.id, Order.delivery_date == day)
            )
            if exists:
                continue
            shop = rng.choice(company.shops)
            menu = rng.choice(menus[shop.name])
            ordered_at = local_instant(day - timedelta(days=1), time(9, rng.randrange(60)))
            order = Order(
                user_id=user.id,
                company_id=company.id,
                shop_id=shop.id,
                menu_id=menu.id,
                delivery_date=day,
                quantity=1 if rng.random() < 0.9 else 2,
                unit_price=menu.price,
                created_at=ordered_at,
                updated_at=ordered_at,
            )
            if offset < 0 and rng.random() < 0.05:
                order.status = OrderStatus.CANCELLED
                order.cancel_fee = shop.cancel_fee
                order.cancelled_at = local_instant(day, time(9, 0))
            elif offset < 0:
                order.checked = True
                order.checked_at = local_instant(day, time(8, 0))
            db.session.add(order)
            db.session.flush()
            db.session.add(
                OrderEvent(
                    order_id=order.id,
                    actor_id=user.id,
                    action=OrderAction.PLACED,
                    at=ordered_at,
                    detail={"menu": menu.name, "quantity": order.quantity, "demo": True},
                )
            )
            placed += 1
    return placed
