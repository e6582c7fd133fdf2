"""One of everything, for tests that visit every form: a shop open every day, a company it serves,
menus, a user of each role, an order, a closed day and a holiday; Tuesday 2026-11-24 09:00 JST."""

from dataclasses import dataclass
from datetime import date

from obento.extensions import db
from obento.models import Holiday, Menu, Order, Role, ShopClosedDay, User
from tests.conftest import PASSWORD
from tests.security.test_access_matrix import ACCESS, ANONYMOUS


@dataclass
class World:
    staff: User
    manager: User
    shop_user: User
    admin: User
    order: Order
    menu: Menu
    closed_day: ShopClosedDay
    holiday: Holiday

    def user_for(self, endpoint: str) -> User | None:
        allowed = ACCESS[endpoint]
        for role, user in (
            (Role.STAFF, self.staff),
            (Role.MANAGER, self.manager),
            (Role.SHOP, self.shop_user),
            (Role.ADMIN, self.admin),
        ):
            if role in allowed:
                return user
        assert ANONYMOUS in allowed
        return None

    def good_values(self) -> dict[str, list[str]]:
        """Values that pass a field's own check, so the examples also reach the services."""
        return {
            "menu_id": [str(self.menu.id)],
            "default_menu_id": [str(self.menu.id), ""],
            "order_id": [str(self.order.id)],
            "shop_id": [str(self.menu.shop_id)],
            "shop_ids": [str(self.menu.shop_id)],
            "company_id": [str(self.staff.company_id)],
            "quantity": ["1", "10", "11"],
            "delivery_date": ["2026-11-25", "2026-11-26"],
            "day": ["2026-12-01", self.closed_day.day.isoformat()],
            "checked": ["1", "0"],
            "active": ["1", "0"],
            "disabled": ["1", "0"],
            "role": [role.value for role in Role],
            "username": [self.staff.username, "fuzz-user"],
            "password": [PASSWORD, "とても長い合言葉です"],
            "current_password": [PASSWORD],
            "new_password": ["とても長い合言葉です"],
            "new_password_confirm": ["とても長い合言葉です"],
            "open_weekdays": [str(day) for day in range(7)],
            "confirm": ["1"],
            "name": ["テスト 名前"],
            "price": ["500"],
            "description": ["ご飯大盛り"],
            "allergens": ["卵,小麦"],
            "sort_order": ["1"],
            "tel": ["0312345678"],
            "fax": ["0312345679"],
            "address": ["東京都港区1-1"],
            "email": ["shop@example.com"],
            "order_deadline_days_before": ["1"],
            "order_deadline_time": ["10:30"],
            "cancel_deadline_time": ["09:00"],
            "cancel_fee": ["0"],
            "max_days_ahead": ["14"],
            "opens_on_holidays": ["y"],
            "reason": ["臨時休業"],
            "employee_code": ["0001"],
            "form_token": ["fuzz-form-token"],
            "date": ["2026-11-26"],
            "next": ["/orders/"],
            "csv_text": [
                "username,name,employee_code,password\r\nfuzz,名前,001,とても長い合言葉です\r\n"
            ],
        }

    def url_args(self) -> dict[str, int]:
        return {
            "order_id": self.order.id,
            "menu_id": self.menu.id,
            "user_id": self.staff.id,
            "shop_id": self.menu.shop_id,
            "company_id": self.staff.company_id,
            "closed_day_id": self.closed_day.id,
            "holiday_id": self.holiday.id,
        }


def build_world(make_shop, make_company, make_menu, make_user, make_order, clock):
    clock.set_jst("2026-11-24 09:00")  # Tuesday: Wednesday 11-25 is still orderable
    shop = make_shop(name="まごころ弁当", open_weekdays=127, opens_on_holidays=True)
    company = make_company(shops=[shop], name="さくら商事")
    menu = make_menu(shop, name="唐揚げ弁当", price=600)
    make_menu(shop, name="販売終了弁当", price=500, active=False)
    staff = make_user(role=Role.STAFF, company=company, name="佐藤 花子")
    closed_day = ShopClosedDay(shop_id=shop.id, day=date(2026, 12, 31), reason="年末")
    holiday = Holiday(day=date(2026, 12, 29), name="年末休業")
    db.session.add_all([closed_day, holiday])
    db.session.commit()
    return World(
        staff=staff,
        manager=make_user(role=Role.MANAGER, company=company),
        shop_user=make_user(role=Role.SHOP, shop=shop),
        admin=make_user(role=Role.ADMIN),
        order=make_order(staff, menu, date(2026, 11, 26)),
        menu=menu,
        closed_day=closed_day,
        holiday=holiday,
    )
