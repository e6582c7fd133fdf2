"""A small data set for the shop and company pages: one shop, two companies, a rival shop."""

from dataclasses import dataclass
from datetime import date

import pytest

from obento.models import Company, Menu, Role, Shop, User

TODAY = date(2026, 11, 25)  # a Wednesday
TOMORROW = date(2026, 11, 26)
YESTERDAY = date(2026, 11, 24)


@dataclass
class ShopWorld:
    shop: Shop
    other_shop: Shop
    sakura: Company
    midori: Company
    karaage: Menu
    saba: Menu
    other_menu: Menu
    shop_user: User
    other_shop_user: User
    staff: list[User]


@pytest.fixture
def world(make_shop, make_company, make_menu, make_user) -> ShopWorld:
    shop = make_shop(name="まごころ弁当", fax="0398765432")
    other_shop = make_shop(name="キッチン花")
    sakura = make_company(
        shops=[shop], name="さくら商事", tel="0312345678", address="東京都港区1-1"
    )
    midori = make_company(shops=[shop, other_shop], name="みどり工業", tel="0455550000")
    staff = [
        make_user(company=sakura, name="青木 一郎", employee_code="00123"),
        make_user(company=sakura, name="石井 花子", employee_code="00124"),
        make_user(company=midori, name="上田 次郎", employee_code="0007"),
    ]
    return ShopWorld(
        shop=shop,
        other_shop=other_shop,
        sakura=sakura,
        midori=midori,
        karaage=make_menu(shop=shop, name="唐揚げ弁当", price=500, sort_order=1),
        saba=make_menu(shop=shop, name="鯖の塩焼き弁当", price=650, sort_order=2),
        other_menu=make_menu(shop=other_shop, name="花弁当", price=700),
        shop_user=make_user(role=Role.SHOP, shop=shop, name="まごころ店長"),
        other_shop_user=make_user(role=Role.SHOP, shop=other_shop, name="花店長"),
        staff=staff,
    )
