"""A company manager's staff accounts: only their own company's staff."""

import re

import sqlalchemy as sa

from obento.extensions import db
from obento.models import Role, User, UserSession


def _manager(login, make_user, make_company):
    company = make_company()
    manager = make_user(role=Role.MANAGER, company=company)
    login(manager.username)
    return company, manager


def test_manager_lists_and_creates_own_staff(client, login, make_user, make_company, submit):
    company, _ = _manager(login, make_user, make_company)
    mine = make_user(company=company, username="mine-1")
    make_user(username="theirs-1")
    page = client.get("/company/users")
    assert page.status_code == 200
    assert "mine-1" in page.text and "theirs-1" not in page.text
    assert ">社員を登録</a>" in page.text and "ユーザーを登録" not in page.text

    response = submit(
        "/company/users/new",
        {"username": "staff-new", "name": "社員 新", "employee_code": "007", "role": "admin"},
    )
    assert response.status_code == 200  # the generated password, shown once
    assert response.headers["Cache-Control"] == "no-store"
    assert re.search(r'<code class="password">[^<]{12}</code>', response.text)
    user = db.session.scalar(sa.select(User).where(User.username == "staff-new"))
    assert (user.role, user.company_id, user.employee_code) == ("staff", company.id, "007")

    response = submit(f"/company/users/{mine.id}", {"username": "mine-1", "name": "改名 済"})
    assert response.status_code == 303
    db.session.refresh(mine)
    assert mine.name == "改名 済"


def test_another_companys_user_is_404_and_unchanged(client, login, make_user, make_company, submit):
    company, manager = _manager(login, make_user, make_company)
    stranger = make_user(username="stranger", name="他社 太郎")
    peer = make_user(role=Role.MANAGER, company=company, username="peer-manager")
    for target in (stranger, peer):
        assert client.get(f"/company/users/{target.id}").status_code == 404
        response = submit(f"/company/users/{target.id}", {"username": "x", "name": "乗っ取り"})
        assert response.status_code == 404
        assert submit(f"/company/users/{target.id}/state", {"active": "0"}).status_code == 404
        response = submit(f"/company/users/{target.id}/password", {"password": "hijacked-pass"})
        assert response.status_code == 404
        db.session.refresh(target)
        assert target.active is True and target.name != "乗っ取り"


def test_manager_disables_staff_and_their_session_ends(
    app, client, login, make_user, make_company, submit
):
    company, _ = _manager(login, make_user, make_company)
    staff = make_user(company=company)
    db.session.add(UserSession(user_id=staff.id, token_hash="y" * 64))
    db.session.commit()
    assert submit(f"/company/users/{staff.id}/state", {"active": "0"}).status_code == 303
    db.session.refresh(staff)
    assert staff.active is False
    count = sa.select(sa.func.count(UserSession.id)).where(UserSession.user_id == staff.id)
    assert db.session.scalar(count) == 0


def test_staff_cannot_use_the_managers_pages(client, login, make_user):
    login(make_user().username)
    assert client.get("/company/users").status_code == 403
    assert client.get("/company/users/import").status_code == 403


def test_bad_password_reset_shows_the_staff_page_again(
    client, login, make_user, make_company, submit
):
    company, _ = _manager(login, make_user, make_company)
    staff = make_user(company=company, username="keeps-name")
    response = submit(f"/company/users/{staff.id}/password", {"password": "short"})
    assert response.status_code == 422
    assert "8文字以上で入力してください。" in response.text
    assert 'value="keeps-name"' in response.text


def test_an_employee_code_is_used_once_per_company(client, login, make_user, make_company, submit):
    """Payroll matches the billing CSV by employee code: two people with one code is a mix-up."""
    company, _ = _manager(login, make_user, make_company)
    make_user(company=company, username="yamamoto", name="山本 翔", employee_code="00005")
    make_user(username="elsewhere", employee_code="00006")  # another company's may be the same
    taken = submit(
        "/company/users/new", {"username": "sakura6", "name": "山本 二郎", "employee_code": "00005"}
    )
    assert taken.status_code == 422
    assert "この社員番号はすでに使われています（山本 翔・yamamoto）。" in taken.text
    assert db.session.scalar(sa.select(User).where(User.username == "sakura6")) is None
    other = submit(
        "/company/users/new", {"username": "sakura7", "name": "別 会社", "employee_code": "00006"}
    )
    assert other.status_code == 200
    seven = db.session.scalar(sa.select(User).where(User.username == "sakura7"))
    renamed = submit(
        f"/company/users/{seven.id}",
        {"username": "sakura7", "name": "別 会社", "employee_code": "00005"},
    )
    assert renamed.status_code == 422
    db.session.refresh(seven)
    assert seven.employee_code == "00006"


def test_a_duplicate_code_from_before_does_not_block_other_edits(
    client, login, make_user, make_company, submit
):
    company, _ = _manager(login, make_user, make_company)
    make_user(company=company, username="first", employee_code="00009")
    second = make_user(company=company, username="second", employee_code="00009")  # old data
    response = submit(
        f"/company/users/{second.id}",
        {"username": "second", "name": "改名 だけ", "employee_code": "00009"},
    )
    assert response.status_code == 303
    db.session.refresh(second)
    assert second.name == "改名 だけ"
