"""Companies through the administrator's real forms."""

import sqlalchemy as sa

from obento.extensions import db
from obento.models import Company, Role


def _count(name):
    return db.session.scalar(sa.select(sa.func.count(Company.id)).where(Company.name == name))


def test_admin_creates_edits_and_links_shops(client, login, make_user, make_shop, submit):
    login(make_user(role=Role.ADMIN).username)
    first, second = make_shop(name="弁当の山田"), make_shop(name="みどり亭")
    assert client.get("/admin/companies/new").status_code == 200
    response = submit(
        "/admin/companies/new",
        {
            "name": "株式会社テスト",
            "tel": "03-0000-1111",
            "fax": "",
            "address": "東京都",
            "shop_ids": [first.id],
        },
    )
    assert response.status_code == 303
    company = db.session.scalar(sa.select(Company).where(Company.name == "株式会社テスト"))
    assert [shop.name for shop in company.shops] == ["弁当の山田"]
    assert company.tel == "03-0000-1111"

    response = submit(
        f"/admin/companies/{company.id}",
        {
            "name": "株式会社テスト2",
            "tel": "",
            "fax": "03-9999-0000",
            "address": "",
            "shop_ids": [first.id, second.id],
        },
    )
    assert response.status_code == 303
    db.session.refresh(company)
    assert company.name == "株式会社テスト2"
    assert {shop.name for shop in company.shops} == {"弁当の山田", "みどり亭"}
    listing = client.get("/admin/companies").text
    assert "株式会社テスト2" in listing and "みどり亭" in listing


def test_taken_or_empty_name_gets_a_field_message(client, login, make_user, make_company, submit):
    login(make_user(role=Role.ADMIN).username)
    make_company(name="既存株式会社")
    response = submit("/admin/companies/new", {"name": "既存株式会社"})
    assert response.status_code == 422
    assert "この会社名はすでに登録されています。" in response.text
    assert _count("既存株式会社") == 1
    response = submit("/admin/companies/new", {"name": "  "})
    assert response.status_code == 422
    assert "会社名を入力してください。" in response.text


def test_unknown_shop_id_is_refused(client, login, make_user, submit):
    login(make_user(role=Role.ADMIN).username)
    response = submit("/admin/companies/new", {"name": "新会社", "shop_ids": ["999999"]})
    assert response.status_code == 422
    assert "一覧から選んでください。" in response.text
    assert _count("新会社") == 0
    response = submit("/admin/companies/new", {"name": "新会社", "shop_ids": ["abc"]})
    assert response.status_code == 422
    assert _count("新会社") == 0


def test_company_with_orders_is_disabled_never_deleted(
    client, login, make_user, make_company, make_order, submit
):
    login(make_user(role=Role.ADMIN).username)
    company = make_company()
    make_order(make_user(company=company))
    response = submit(f"/admin/companies/{company.id}/state", {"delete": "1"})
    assert response.status_code == 303
    assert "注文履歴のある会社は削除できません" in client.get("/admin/companies").text
    assert db.session.get(Company, company.id) is not None

    response = submit(f"/admin/companies/{company.id}/state", {"disabled": "1"})
    assert response.status_code == 303
    db.session.refresh(company)
    assert company.disabled is True
    submit(f"/admin/companies/{company.id}/state", {"disabled": "0"})
    db.session.refresh(company)
    assert company.disabled is False


def test_company_without_orders_or_users_can_be_deleted(
    client, login, make_user, make_company, submit
):
    login(make_user(role=Role.ADMIN).username)
    company = make_company()
    company_id = company.id
    assert submit(f"/admin/companies/{company_id}/state", {"delete": "1"}).status_code == 303
    db.session.expire_all()
    assert db.session.get(Company, company_id) is None


def test_only_the_administrator_manages_companies(client, login, make_user, make_company, submit):
    company = make_company(name="守られた会社")
    login(make_user(role=Role.MANAGER, company=company).username)
    assert client.get("/admin/companies").status_code == 403
    response = submit(f"/admin/companies/{company.id}", {"name": "乗っ取り"})
    assert response.status_code == 403
    db.session.refresh(company)
    assert company.name == "守られた会社"


def test_unknown_company_is_404(client, login, make_user):
    login(make_user(role=Role.ADMIN).username)
    assert client.get("/admin/companies/999999").status_code == 404


def test_invisible_characters_in_a_company_name_are_refused(client, login, make_user, submit):
    login(make_user(role=Role.ADMIN).username)
    for name, message in [
        ("株式会社\u200bテスト", "会社名に目に見えない文字（ゼロ幅スペースなど）"),
        ("株式会社\u2028テスト", "会社名に改行や制御文字は使えません。"),
    ]:
        response = submit("/admin/companies/new", {"name": name, "tel": "", "address": ""})
        assert response.status_code == 422, name
        assert message in response.text
        assert _count(name) == 0
