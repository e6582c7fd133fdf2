"""All models, imported here so that Alembic and the app see every table."""

from obento.models.base import MAX_ID
from obento.models.company import Company, company_shops
from obento.models.legacy import LegacyIdMap
from obento.models.menu import Menu
from obento.models.order import (
    MAX_QUANTITY,
    Order,
    OrderAction,
    OrderEvent,
    OrderStatus,
    event_form_token,
)
from obento.models.shop import MONDAY_TO_FRIDAY, Holiday, Shop, ShopClosedDay
from obento.models.user import LoginAttempt, Role, User, UserSession

__all__ = [
    "MAX_ID",
    "MAX_QUANTITY",
    "MONDAY_TO_FRIDAY",
    "Company",
    "Holiday",
    "LegacyIdMap",
    "LoginAttempt",
    "Menu",
    "Order",
    "OrderAction",
    "OrderEvent",
    "OrderStatus",
    "Role",
    "Shop",
    "ShopClosedDay",
    "User",
    "UserSession",
    "company_shops",
    "event_form_token",
]
