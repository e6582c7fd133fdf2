"""CSV import of users: a preview of every bad line first, then all lines or none."""

import io
import re

import pytest
import sqlalchemy as sa

from obento.extensions import db
from obento.models import Role, User

HEADER = "username,name,role,company,shop,default menu,initial password\r\n"


def _count_users() -> int:
    return db.session.scalar(sa.select(sa.func.count(User.id)))


@pytest.fixture
def world(make_company, make_shop, make_menu):
    shop = make_shop(name="弁当の山田")
    company = make_company(name="株式会社みらい", shops=[shop])
    make_menu(shop=shop, name="のり弁当", price=400)
    return company, shop


def _upload(submit, url, data: bytes, filename="users.csv"):
    return submit(
        url,
        {"file": (io.BytesIO(data), filename)},
        form_page=url,
        content_type="multipart/form-data",
    )


MIXED = (
    HEADER
    + "yamada,山田 太郎,staff,株式会社みらい,,のり弁当,password-001\r\n"
    + "tanaka,田中 花子,注文者,株式会社みらい,,,\r\n"
    + "ghost,幽霊 会社,staff,存在しない会社,,,\r\n"
    + "yamada,山田 二郎,staff,株式会社みらい,,,\r\n"
    + "boss,社長,superuser,株式会社みらい,,,\r\n"
    + "taken,既存,staff,株式会社みらい,,,\r\n"
    + "cook,調理,shop,,ない店,,\r\n"
    + ",名無し,staff,株式会社みらい,,,\r\n"
)


@pytest.mark.parametrize(
    "encode",
    [lambda text: b"\xef\xbb\xbf" + text.encode("utf-8"), lambda text: text.encode("cp932")],
    ids=["utf-8-bom", "shift_jis"],
)
def test_preview_lists_every_bad_line_and_nothing_is_written(
    client, login, make_user, submit, world, encode
):
    login(make_user(role=Role.ADMIN).username)
    make_user(username="taken")
    before = _count_users()
    response = _upload(submit, "/admin/users/import", encode(MIXED))
    assert response.status_code == 422
    text = response.text
    assert "6行に誤りがあります" in text
    assert "会社「存在しない会社」は登録されていません。" in text
    assert "ユーザー名「yamada」が2行目と重複しています。" in text
    assert "権限「superuser」は使えません（注文者・会社代表・店舗・管理者のいずれか）。" in text
    assert "ユーザー名「taken」はすでに使われています。" in text
    assert "店舗「ない店」は登録されていません。" in text
    assert "ユーザー名を入力してください。" in text
    assert "山田 太郎" in text and "田中 花子" in text  # decoded correctly
    assert "人を登録する</button>" not in text
    assert _count_users() == before

    # Sending the previewed text back anyway still writes nothing.
    submitted = submit(
        "/admin/users/import",
        {"confirm": "1", "csv_text": MIXED},
        form_page="/admin/users/import",
    )
    assert submitted.status_code == 422
    assert _count_users() == before


@pytest.mark.parametrize("encoding", ["utf-8-sig", "utf-8", "cp932"])
def test_good_file_imports_every_line(client, app, login, make_user, submit, world, encoding):
    company, shop = world
    login(make_user(role=Role.ADMIN).username)
    good = (
        "ユーザー名,氏名,権限,会社,店舗,お気に入り,初期パスワード,社員番号\r\n"
        "yamada,山田 太郎,注文者,株式会社みらい,,のり弁当,password-001,00042\r\n"
        "suzuki,鈴木 次郎,manager,株式会社みらい,,,,\r\n"
        "cook,調理 三郎,shop,,弁当の山田,,,\r\n"
    )
    preview = _upload(submit, "/admin/users/import", good.encode(encoding))
    assert preview.status_code == 200
    assert "3人すべて登録できます" in preview.text
    assert _count_users() == 1

    done = submit(
        "/admin/users/import",
        {"confirm": "1", "csv_text": good.replace("\r\n", "\n")},
        form_page="/admin/users/import",
    )
    assert done.status_code == 200
    assert done.headers["Cache-Control"] == "no-store"
    assert "3人を登録しました" in done.text
    assert len(re.findall(r'<code class="password">', done.text)) == 2  # generated ones only
    yamada = db.session.scalar(sa.select(User).where(User.username == "yamada"))
    assert (yamada.company_id, yamada.role, yamada.employee_code) == (company.id, "staff", "00042")
    assert yamada.default_menu.name == "のり弁当"
    cook = db.session.scalar(sa.select(User).where(User.username == "cook"))
    assert (cook.role, cook.shop_id) == ("shop", shop.id)
    from tests.conftest import csrf_token

    other = app.test_client()
    page = other.get("/login")
    response = other.post(
        "/login",
        data={"username": "yamada", "password": "password-001", "csrf_token": csrf_token(page)},
    )
    assert response.status_code == 303


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "ファイルが空です。"),
        (
            b"foo,bar\r\n1,2\r\n",
            "1行目は見出し（ユーザー名,氏名,権限,会社,店舗,お気に入り,初期パスワード）にしてください。",
        ),
        (HEADER.encode(), "見出しのほかに、登録する行がありません。"),
        (b"\xff\xfe\x00\x01\x80\x81\xfd", "文字コードを判別できません"),
    ],
)
def test_unreadable_files_get_a_message(client, login, make_user, submit, data, message):
    login(make_user(role=Role.ADMIN).username)
    before = _count_users()
    response = _upload(submit, "/admin/users/import", data)
    assert response.status_code == 422
    assert message in response.text
    assert _count_users() == before


def test_no_file_is_a_field_message(client, login, make_user, submit):
    login(make_user(role=Role.ADMIN).username)
    response = submit("/admin/users/import", {}, form_page="/admin/users/import")
    assert response.status_code == 422
    assert "CSVファイルを選んでください。" in response.text


def test_manager_imports_only_staff_of_their_own_company(
    client, login, make_user, make_company, submit, world
):
    company, _ = world
    login(make_user(role=Role.MANAGER, company=company).username)
    form = client.get("/company/users/import").text
    assert "<h1>社員のCSV一括登録</h1>" in form and "権限と会社は空欄でかまいません。" in form
    make_company(name="よその会社")
    data = (
        HEADER
        + "mine,自社 社員,,,,,password-001\r\n"
        + "other,他社 社員,staff,よその会社,,,\r\n"
        + "chief,昇格,manager,,,,\r\n"
        + "admin2,管理,admin,,,,\r\n"
    ).encode("cp932")
    before = _count_users()
    response = _upload(submit, "/company/users/import", data)
    assert response.status_code == 422
    assert "ほかの会社「よその会社」の社員は登録できません。" in response.text
    assert response.text.count("会社代表が登録できるのは注文者だけです。") == 2
    assert _count_users() == before

    good = (HEADER + "mine,自社 社員,,,,のり弁当,password-001\r\n").encode("utf-8")
    preview = _upload(submit, "/company/users/import", good)
    assert preview.status_code == 200 and '<td data-label="結果">登録できます</td>' in preview.text
    done = submit(
        "/company/users/import",
        {"confirm": "1", "csv_text": good.decode()},
        form_page="/company/users/import",
    )
    assert done.status_code == 200
    mine = db.session.scalar(sa.select(User).where(User.username == "mine"))
    assert (mine.role, mine.company_id) == ("staff", company.id)


def test_too_many_lines_are_refused_before_anything_else(client, login, make_user, submit):
    login(make_user(role=Role.ADMIN).username)
    lines = "".join(f"user{n},名前{n},admin,,,,\r\n" for n in range(101))
    before = _count_users()
    response = _upload(submit, "/admin/users/import", (HEADER + lines).encode("utf-8"))
    assert response.status_code == 422
    assert "一度に取り込めるのは100人までです。" in response.text
    assert _count_users() == before


def test_preview_applies_the_forms_rules_to_names_and_usernames(
    client, login, make_user, submit, world
):
    """What the confirmation would refuse (create_user's checks) is refused in the preview."""
    login(make_user(role=Role.ADMIN).username)
    before = _count_users()
    data = (
        HEADER
        + "ctrl\x01user,制御,staff,株式会社みらい,,,\r\n"
        + "okname,改\x7f行,staff,株式会社みらい,,,\r\n"
        + "fine,良い 名前,staff,株式会社みらい,,,\r\n"
        + "short,短い,staff,株式会社みらい,,,short\r\n"
    )
    response = _upload(submit, "/admin/users/import", data.encode())
    assert response.status_code == 422
    assert "3行に誤りがあります" in response.text
    assert "<li>パスワードは8文字以上にしてください。</li>" in response.text
    assert "ユーザー名に改行や制御文字は使えません。" in response.text
    assert "氏名に改行や制御文字は使えません。" in response.text
    # The role by its Japanese name, not "staff".
    assert '<td data-label="権限">注文者</td>' in response.text
    assert _count_users() == before


def test_preview_reads_usernames_as_the_forms_store_them(client, login, make_user, submit, world):
    """Full-width letters are the same login (NFKC); an invisible character is refused."""
    login(make_user(role=Role.ADMIN).username)
    make_user(username="yamada")
    data = (
        HEADER
        + "ｙａｍａｄａ,山田,staff,株式会社みらい,,,\r\n"
        + "ab\u200bc,見えない,staff,株式会社みらい,,,\r\n"
    )
    response = _upload(submit, "/admin/users/import", data.encode())
    assert response.status_code == 422
    assert "ユーザー名「yamada」はすでに使われています。" in response.text
    assert "ユーザー名に目に見えない文字" in response.text


def test_preview_refuses_an_employee_code_taken_or_repeated(
    client, login, make_user, submit, world
):
    company, _ = world
    login(make_user(role=Role.ADMIN).username)
    make_user(company=company, username="taken-code", name="既存 社員", employee_code="0001")
    data = (
        "username,name,role,company,employee code\r\n"
        "one,一,staff,株式会社みらい,0001\r\n"
        "two,二,staff,株式会社みらい,0002\r\n"
        "three,三,staff,株式会社みらい,0002\r\n"
    )
    response = _upload(submit, "/admin/users/import", data.encode())
    assert response.status_code == 422
    assert "この社員番号はすでに使われています（既存 社員・taken-code）。" in response.text
    assert "社員番号「0002」が3行目と重複しています。" in response.text
