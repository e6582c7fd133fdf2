"""Input fuzzing: generated values posted to every form of the app (issue 7).

Every POST endpoint of the URL map has a target in FIELDS (a new form without one fails
`test_every_post_endpoint_has_a_fuzz_target`). Each example is posted with a valid CSRF token
by a logged-in user of a role allowed to use the form, inside a savepoint that is rolled back
afterwards, so the examples do not pile up. The answer must be a redirect or a page; a 4xx must
carry a message, and a refused (4xx) form must have written nothing (row counts and content
checksums of every table compared before and after).
"""

import io
import os
from datetime import date

import pytest
import sqlalchemy as sa
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from obento.extensions import db
from obento.models import User
from tests.conftest import csrf_token
from tests.security.world import build_world

# endpoint -> the names its form posts (read from the forms, templates and views)
ORDER_FIELDS = ("delivery_date", "menu_id", "quantity", "form_token")
MENU_FIELDS = ("name", "price", "description", "allergens", "sort_order")
CONTACT_FIELDS = ("tel", "fax", "address")
RULE_FIELDS = (
    "order_deadline_days_before",
    "order_deadline_time",
    "cancel_deadline_time",
    "cancel_fee",
    "open_weekdays",
    "opens_on_holidays",
    "max_days_ahead",
)
STAFF_FIELDS = ("username", "name", "employee_code", "password")
USER_FIELDS = (*STAFF_FIELDS, "role", "company_id", "shop_id")
PASSWORD_FIELDS = ("password",)
IMPORT_FIELDS = ("csv_text", "confirm")
STATE_FIELDS = ("active", "delete")
FIELDS = {
    "auth.login": ("username", "password"),
    "auth.logout": ("next",),
    "ordering.place": ORDER_FIELDS,
    "ordering.change": ("menu_id", "quantity"),
    "ordering.cancel": ("order_id",),
    "ordering.favorite": ("menu_id",),
    "quick.quick_order": ORDER_FIELDS,
    "shop.check": ("order_id", "checked", "date"),
    "shop.settings": RULE_FIELDS,
    "shop.calendar_add": ("day", "reason", "cancel_orders", "cancel_late_orders"),
    "shop.calendar_remove": ("day",),
    "shop.menu_new": MENU_FIELDS,
    "shop.menu_edit": MENU_FIELDS,
    "shop.menu_state": STATE_FIELDS,
    "company.on_behalf_order": ORDER_FIELDS,
    "company.on_behalf_cancel": ("order_id",),
    "company.users_new": STAFF_FIELDS,
    "company.users_edit": STAFF_FIELDS,
    "company.users_password": PASSWORD_FIELDS,
    "company.users_state": STATE_FIELDS,
    "company.users_default_menu": ("default_menu_id",),
    "company.users_import": IMPORT_FIELDS,
    "account.password": ("current_password", "new_password", "new_password_confirm"),
    "account.default_menu": ("default_menu_id",),
    "admin.companies_new": ("name", *CONTACT_FIELDS, "shop_ids"),
    "admin.companies_edit": ("name", *CONTACT_FIELDS, "shop_ids"),
    "admin.companies_state": ("disabled", "delete"),
    "admin.shops_new": ("name", "email", *CONTACT_FIELDS, *RULE_FIELDS),
    "admin.shops_edit": ("name", "email", *CONTACT_FIELDS, *RULE_FIELDS),
    "admin.shops_state": STATE_FIELDS,
    "admin.shops_calendar_add": ("day", "reason", "cancel_orders", "cancel_late_orders"),
    "admin.shops_calendar_remove": ("day",),
    "admin.holidays_add": ("day", "name", "cancel_orders", "cancel_late_orders"),
    "admin.holidays_remove": ("day",),
    "admin.menus_new": (*MENU_FIELDS, "shop_id"),
    "admin.menus_edit": MENU_FIELDS,
    "admin.menus_state": STATE_FIELDS,
    "admin.users_new": USER_FIELDS,
    "admin.users_edit": USER_FIELDS,
    "admin.users_password": PASSWORD_FIELDS,
    "admin.users_state": STATE_FIELDS,
    "admin.users_default_menu": ("default_menu_id",),
    "admin.users_import": IMPORT_FIELDS,
}

# Rows a refused form writes on purpose: a failed login (or a wrong current password) is kept
# for throttling.
WRITES_WHEN_REFUSED = {"auth.login": {"login_attempts"}, "account.password": {"login_attempts"}}

SPECIAL = [
    "",
    " ",
    "\t\n ",
    "0",
    "1",
    "-1",
    "-2147483649",
    "2147483648",
    str(10**9),
    str(10**30),
    "1e3",
    "1.5",
    "-0.0",
    "NaN",
    "abc",
    "１２",  # full-width digits
    "2026-11-25",
    "2026-11-26",
    "2026-11-24",
    "2020-01-01",
    "9999-12-31",
    "0001-01-01",
    "2026-02-30",
    "2026-13-01",
    "2026/11/25",
    "26-11-25",
    "25:99",
    "10:30",
    "x" * 5000,
    "弁当🍱" * 1000,
    "お弁当を注文します",
    "🍙🍣🥢",
    "<script>alert(1)</script>",
    "a\x00b",
    "\x00",
    "\x01\x02\x1b[31m\x7f",
    "\u202etxt.exe",
    "' OR 1=1; --",
    "1; DROP TABLE orders; --",
    '"); DELETE FROM users; --',
    "username,name,employee_code,password\r\nfuzz,名前,001,correct horse battery\r\n",
]

values = st.one_of(
    st.sampled_from(SPECIAL),
    st.integers(min_value=-(10**12), max_value=10**12).map(str),
    st.floats(allow_nan=True, allow_infinity=True).map(str),
    st.text(max_size=40),
    st.dates(min_value=date(1900, 1, 1), max_value=date(2100, 12, 31)).map(date.isoformat),
)


@pytest.fixture
def world(make_shop, make_company, make_menu, make_user, make_order, clock):
    return build_world(make_shop, make_company, make_menu, make_user, make_order, clock)


def post_endpoints(app) -> dict[str, object]:
    return {
        rule.endpoint: rule
        for rule in app.url_map.iter_rules()
        if "POST" in (rule.methods or set())
    }


def test_every_post_endpoint_has_a_fuzz_target(app):
    endpoints = post_endpoints(app).keys()
    missing = sorted(endpoints - FIELDS.keys())
    assert not missing, f"add these endpoints to FIELDS: {missing}"
    stale = sorted(FIELDS.keys() - endpoints)
    assert not stale, f"FIELDS names endpoints that take no POST: {stale}"


def table_state(connection) -> dict[str, tuple]:
    """Row count and content checksum of every table (user_sessions: count only)."""
    parts = []
    for table in db.metadata.sorted_tables:
        digest = (
            "''"
            if table.name == "user_sessions"
            else "md5(coalesce(string_agg(t::text, '|' ORDER BY t::text), ''))"
        )
        parts.append(f"SELECT '{table.name}', count(*), {digest} FROM \"{table.name}\" t")
    rows = connection.execute(sa.text(" UNION ALL ".join(parts)))
    return {name: (count, digest) for name, count, digest in rows}


def form_data(fields, good: dict[str, list[str]]):
    """Either every field generated, or a valid form with one field generated (which reaches
    the services' own checks)."""
    value = st.one_of(st.none(), values, st.lists(values, min_size=2, max_size=3))
    valid = {name: good[name][0] for name in fields if name in good}
    one_bad = st.tuples(st.sampled_from(fields), value).map(
        lambda pair: {**valid, pair[0]: pair[1]}
    )
    every_field = st.fixed_dictionaries(
        {name: st.one_of(value, st.sampled_from(good.get(name, [""]))) for name in fields}
    )
    return st.one_of(one_bad, every_field).map(
        lambda data: {name: value for name, value in data.items() if value is not None}
    )


# FUZZ_EXAMPLES=500 bash scripts/test tests/security/test_fuzz_forms.py for a longer hunt.
EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "16"))
MESSAGE_MARKS = ('role="alert"', 'class="error-page"', "flash-error")


class FormPoster:
    """Posts data to one endpoint's form as a user allowed to use it, and checks the answer."""

    def __init__(self, app, client, login, world, endpoint: str):
        rule = post_endpoints(app)[endpoint]
        user = world.user_for(endpoint)
        self.client, self.login, self.endpoint = client, login, endpoint
        self.username = user.username if user is not None else None
        if self.username is not None:
            login(self.username)
        self.form_page = "/account" if self.username is not None else "/login"
        self.token = csrf_token(client.get(self.form_page))
        self.url = rule.build({name: world.url_args()[name] for name in rule.arguments})[1]
        self.ignored = WRITES_WHEN_REFUSED.get(endpoint, set())
        self.connection = db.session.get_bind()
        self.statuses = []

    def post(self, data: dict) -> None:
        """Post inside a savepoint rolled back afterwards; no 5xx, nothing written on a 4xx."""
        connection = self.connection
        db.session.commit()  # keep what the test's session holds (the login) below the savepoint
        connection.exec_driver_sql("SAVEPOINT fuzz_example")
        try:
            before = table_state(connection)
            response = self.client.post(self.url, data={**data, "csrf_token": self.token})
            status = response.status_code
            self.statuses.append(status)
            assert status < 500, f"{status} for {data!r}"
            assert status in (200, 302, 303) or 400 <= status < 500, status
            if status >= 400:
                body = response.get_data(as_text=True)
                assert any(mark in body for mark in MESSAGE_MARKS), f"{status} without a message"
                after = table_state(connection)
                changed = {name for name in before if before[name] != after[name]} - self.ignored
                assert not changed, f"{status} for {data!r} but wrote to {sorted(changed)}"
        finally:
            db.session.close()
            connection.exec_driver_sql("ROLLBACK TO SAVEPOINT fuzz_example")
            connection.exec_driver_sql("RELEASE SAVEPOINT fuzz_example")
        if self.endpoint in ("auth.login", "auth.logout"):  # both start a new session cookie
            if self.username is not None:
                self.login(self.username)
            self.token = csrf_token(self.client.get(self.form_page))


@pytest.mark.parametrize("endpoint", sorted(FIELDS))
def test_fuzzed_form_answers_with_a_page_or_a_redirect(app, client, login, world, endpoint):
    poster = FormPoster(app, client, login, world, endpoint)

    @settings(
        max_examples=EXAMPLES,
        deadline=None,
        database=None,
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    )
    @given(data=form_data(FIELDS[endpoint], world.good_values()))
    def check(data):
        poster.post(data)

    check()


# The values that found bugs, tried in every field of every form (the rest valid).
NASTY = ["a\x00b", " \t", "x" * 5000]


@pytest.mark.parametrize("endpoint", sorted(FIELDS))
def test_every_field_refuses_nul_blanks_and_huge_text(app, client, login, world, endpoint):
    poster = FormPoster(app, client, login, world, endpoint)
    good = world.good_values()
    valid = {name: good[name][0] for name in FIELDS[endpoint] if name in good}
    for name in FIELDS[endpoint]:
        for value in NASTY:
            poster.post({**valid, name: value})
    assert len(poster.statuses) == len(FIELDS[endpoint]) * len(NASTY)


@pytest.mark.parametrize(
    ("endpoint", "url", "blank", "message"),
    [
        ("shop.calendar_add", "/shop/calendar", "day", "日付を入力してください。"),
        ("shop.settings", "/shop/settings", "order_deadline_time", "時刻を入力してください。"),
        ("shop.settings", "/shop/settings", "cancel_deadline_time", "時刻を入力してください。"),
        ("shop.menu_new", "/shop/menus/new", "price", "価格を入力してください。"),
    ],
)
def test_a_blank_typed_field_is_missing_input_not_a_500(
    client, login, world, endpoint, url, blank, message
):
    """Found by the fuzzing: a blank day or time passed InputRequired and reached SQL as NULL
    (a 500); a blank price was refused, but as out of range."""
    login(world.shop_user.username)
    good = world.good_values()
    data = {name: good[name][0] for name in FIELDS[endpoint] if name in good}
    data.update({blank: " \t", "csrf_token": csrf_token(client.get("/account"))})
    before = table_state(db.session.get_bind())
    response = client.post(url, data=data)
    assert response.status_code == 422
    assert message in response.text
    assert table_state(db.session.get_bind()) == before


def test_a_nul_in_a_query_string_is_a_400_page(client, login, world):
    login(world.admin.username)
    for path in ("/admin/users?q=a%00b", "/admin/audit?user=%00", "/shop/orders?date=2026%0011"):
        response = client.get(path)
        assert response.status_code == 400, path
        assert "使えない文字（NUL）" in response.text


def test_a_control_character_in_a_username_is_refused(client, login, world):
    login(world.manager.username)
    url = "/company/users/new"
    data = {"username": "new\x1bstaff", "name": "新人 一郎", "password": "とても長い合言葉です"}
    data["csrf_token"] = csrf_token(client.get(url))
    response = client.post(url, data=data)
    assert response.status_code == 422
    assert "ユーザー名に改行や制御文字は使えません。" in response.text
    assert (
        db.session.scalar(sa.select(sa.func.count(User.id)).where(User.username.startswith("new")))
        == 0
    )


HEADER = "username,name,role,company,shop,default menu,initial password\r\n"
file_contents = st.one_of(
    st.binary(max_size=200),
    st.sampled_from([b"\xef\xbb\xbf\xff\xfe", b"\xef\xbb\xbf" + HEADER.encode() + b"a\x00,b\r\n"]),
    st.lists(st.lists(values, min_size=1, max_size=7), min_size=1, max_size=4)
    .map(lambda rows: HEADER + "".join(",".join(row) + "\r\n" for row in rows))
    .flatmap(lambda text: st.sampled_from([text.encode(), text.encode("cp932", "replace")])),
)


@pytest.mark.parametrize("endpoint", ["admin.users_import", "company.users_import"])
def test_fuzzed_csv_uploads_get_a_page_or_a_message(app, client, login, world, endpoint):
    """Found by it: a BOM before bytes that are not UTF-8, and a NUL, were 500s."""
    poster = FormPoster(app, client, login, world, endpoint)

    @settings(
        max_examples=EXAMPLES * 2,
        deadline=None,
        database=None,
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    )
    @given(content=file_contents)
    def check(content):
        poster.post({"file": (io.BytesIO(content), "users.csv")})

    check()
    assert 422 in poster.statuses
