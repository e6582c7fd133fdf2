"""Client companies and which shops deliver to them."""

import sqlalchemy as sa

from obento.extensions import db
from obento.models import Company, Order, Shop, User
from obento.services import DomainError
from obento.services.text import check_unique_name

NAME_MAX = 100


def _check_name(name: str, except_id: int | None = None) -> str:
    return check_unique_name(Company, name, "会社名", NAME_MAX, except_id)


def _shops(shop_ids) -> list[Shop]:
    ids = set(shop_ids or ())
    shops = list(db.session.scalars(sa.select(Shop).where(Shop.id.in_(ids)))) if ids else []
    if len(shops) != len(ids):
        raise DomainError("配達する店舗の指定が正しくありません。", field="shop_ids")
    return shops


def create_company(*, name: str, tel="", fax="", address="", shop_ids=()) -> Company:
    """Register a company and the shops that deliver to it."""
    company = Company(
        name=_check_name(name), tel=tel.strip(), fax=fax.strip(), address=address.strip()
    )
    company.shops = _shops(shop_ids)
    db.session.add(company)
    db.session.flush()
    return company


def update_company(company: Company, *, name: str, tel="", fax="", address="", shop_ids=()):
    """Change a company's details and the shops that deliver to it."""
    company.name = _check_name(name, except_id=company.id)
    company.tel, company.fax, company.address = tel.strip(), fax.strip(), address.strip()
    company.shops = _shops(shop_ids)
    db.session.flush()
    return company


def set_company_disabled(company: Company, disabled: bool) -> None:
    """Disable (or re-enable) a company; its history stays."""
    company.disabled = disabled
    db.session.flush()


def delete_company(company: Company) -> None:
    """Delete a company nobody belongs to and nobody ordered for; otherwise refuse."""
    has_orders = db.session.scalar(sa.select(Order.id).where(Order.company_id == company.id))
    if has_orders is not None:
        raise DomainError(
            "注文履歴のある会社は削除できません。代わりに無効にしてください。", status=409
        )
    has_users = db.session.scalar(sa.select(User.id).where(User.company_id == company.id))
    if has_users is not None:
        raise DomainError(
            "ユーザーが所属している会社は削除できません。代わりに無効にしてください。", status=409
        )
    db.session.delete(company)
    db.session.flush()
