"""Menus of any shop through the administrator's forms."""

import sqlalchemy as sa

from obento.extensions import db
from obento.models import Menu, Role


def test_admin_adds_and_edits_a_menu_of_any_shop(
    client, login, make_user, make_shop, make_menu, submit
):
    login(make_user(role=Role.ADMIN).username)
    shop, other = make_shop(name="一番店"), make_shop(name="二番店")
    make_menu(shop=other, name="他店の弁当")
    page = client.get("/admin/menus/new", query_string={"shop": shop.id})
    assert page.status_code == 200 and "一番店" in page.text
    response = submit(
        "/admin/menus/new",
        {"shop_id": str(shop.id), "name": "鮭弁当", "price": "620", "allergens": "さけ"},
    )
    assert response.status_code == 303
    assert response.headers["Location"] == f"/admin/menus?shop={shop.id}"
    menu = db.session.scalar(sa.select(Menu).where(Menu.name == "鮭弁当"))
    assert (menu.shop_id, menu.price) == (shop.id, 620)
    listing = client.get(f"/admin/menus?shop={shop.id}")
    assert "鮭弁当" in listing.text and "他店の弁当" not in listing.text
    assert "他店の弁当" in client.get("/admin/menus").text

    assert submit(f"/admin/menus/{menu.id}", {"name": "鮭弁当", "price": "650"}).status_code == 303
    db.session.refresh(menu)
    assert menu.price == 650
    assert submit(f"/admin/menus/{menu.id}/state", {"active": "0"}).status_code == 303
    db.session.refresh(menu)
    assert menu.active is False


def test_new_menu_needs_a_shop(client, login, make_user, submit):
    login(make_user(role=Role.ADMIN).username)
    response = submit("/admin/menus/new", {"shop_id": "", "name": "迷子弁当", "price": "500"})
    assert response.status_code == 422
    assert "店舗を選んでください。" in response.text
    response = submit("/admin/menus/new", {"shop_id": "424242", "name": "迷子弁当", "price": "500"})
    assert response.status_code == 422
    assert db.session.scalar(sa.select(Menu.id).where(Menu.name == "迷子弁当")) is None


def test_admin_pages_render(client, login, make_user, make_shop):
    login(make_user(role=Role.ADMIN).username)
    shop = make_shop()
    for path in (
        "/admin/",
        "/admin/menus?shop=abc",
        f"/admin/shops/{shop.id}",
        f"/admin/shops/{shop.id}/calendar?month=2026-11",
        "/admin/users/new",
        "/admin/users/import",
        "/admin/companies/new",
        "/admin/logs",
    ):
        assert client.get(path).status_code == 200, path


def test_an_unknown_shop_in_the_menu_filter_is_404(client, login, make_user):
    login(make_user(role=Role.ADMIN).username)
    response = client.get("/admin/menus?shop=999999")
    assert response.status_code == 404
    assert "指定された店舗が見つかりません。" in response.text
