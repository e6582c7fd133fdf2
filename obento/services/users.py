"""Users: creating, editing, disabling, passwords and the default menu."""

import secrets
import unicodedata

import sqlalchemy as sa

from obento.extensions import db
from obento.models import Company, Menu, Role, Shop, User
from obento.services import DomainError
from obento.services.order_board import active_menus, serving_shops
from obento.services.orders import orderable_menu
from obento.services.password_policy import check_password_policy
from obento.services.passwords import hash_password, needs_rehash, verify_password
from obento.services.sessions import end_user_sessions
from obento.services.text import check_single_line

USERNAME_MAX = 64
NAME_MAX = 100
EMPLOYEE_CODE_MAX = 32
# No look-alike characters (0/O, 1/l/I): generated passwords are read off a screen or paper.
_PASSWORD_ALPHABET = "abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # noqa: S105  # nosec B105


def generate_password() -> str:
    """Return a random 12-character initial password."""
    return "".join(secrets.choice(_PASSWORD_ALPHABET) for _ in range(12))


def normalize_username(username: str) -> str:
    """Return the form usernames are stored and looked up in (NFKC, stripped).

    NFKC folds what a Japanese keyboard types in full width (ｙａｍａｄａ, ０１２) into the
    plain characters, so the same name typed either way is the same login.
    """
    return unicodedata.normalize("NFKC", username).strip()


def clean_username(username: str) -> str:
    """Return the normalized username, or raise if it is empty or malformed (not if taken)."""
    username = normalize_username(username)
    if not username:
        raise DomainError("ユーザー名を入力してください。", field="username")
    check_single_line(username, "ユーザー名", "username")  # shown in lists and log lines
    if len(username) > USERNAME_MAX or any(char.isspace() for char in username):
        raise DomainError(
            f"ユーザー名は空白を含まない{USERNAME_MAX}文字以内にしてください。", field="username"
        )
    return username


def normalized_username_column() -> sa.ColumnElement[str]:
    """The stored username as `normalize_username` would make it, in SQL (PostgreSQL's NFKC):
    a name stored as typed before usernames were normalized still takes its normal form."""
    return sa.func.normalize(User.username, sa.literal_column("NFKC"))


def check_username(username: str, except_id: int | None = None) -> str:
    """Return the cleaned username, or raise if it is empty, malformed or taken."""
    username = clean_username(username)
    query = sa.select(User.id).where(normalized_username_column() == username)
    if except_id is not None:
        query = query.where(User.id != except_id)
    if db.session.scalar(query) is not None:
        raise DomainError("このユーザー名はすでに使われています。", field="username")
    return username


def check_role_scope(role: str, company: Company | None, shop: Shop | None) -> None:
    """Raise unless the role has the company or shop it needs (the users CHECK constraint)."""
    if role not in Role.__members__.values():
        raise DomainError("権限の指定が正しくありません。", field="role")
    if role in (Role.STAFF, Role.MANAGER) and company is None:
        raise DomainError("注文者と会社代表には会社を指定してください。", field="company_id")
    if role == Role.SHOP and shop is None:
        raise DomainError("店舗ユーザーには店舗を指定してください。", field="shop_id")


def check_user_texts(name: str, employee_code: str) -> None:
    """Raise if the name or the employee code is multi-line or too long."""
    check_single_line(name, "氏名", "name")
    check_single_line(employee_code, "社員番号", "employee_code")
    if len(name.strip()) > NAME_MAX:
        raise DomainError(f"氏名は{NAME_MAX}文字以内にしてください。", field="name")
    if len(employee_code.strip()) > EMPLOYEE_CODE_MAX:
        raise DomainError(
            f"社員番号は{EMPLOYEE_CODE_MAX}文字以内にしてください。", field="employee_code"
        )


def check_employee_code_free(
    employee_code: str,
    company_id: int | None,
    except_id: int | None = None,
    holders: dict[tuple[int, str], User] | None = None,
) -> None:
    """Raise if another person of the company has this employee code (payroll matches by it).

    `holders` (from `employee_code_holders`) answers for many codes without a query each.
    """
    employee_code = employee_code.strip()
    if not employee_code or company_id is None:
        return
    if holders is not None:
        other = holders.get((company_id, employee_code))
    else:
        query = sa.select(User).where(
            User.company_id == company_id, User.employee_code == employee_code
        )
        if except_id is not None:
            query = query.where(User.id != except_id)
        other = db.session.scalars(query.limit(1)).first()
    if other is not None:
        raise DomainError(
            f"この社員番号はすでに使われています（{other.name}・{other.username}）。",
            field="employee_code",
        )


def employee_code_holders(company_ids: set[int]) -> dict[tuple[int, str], User]:
    """Everyone of these companies who has an employee code, by (company id, code)."""
    users = db.session.scalars(
        sa.select(User).where(User.company_id.in_(company_ids), User.employee_code != "")
    )
    return {(user.company_id, user.employee_code): user for user in users}


def create_user(
    *,
    username: str,
    password: str,
    name: str,
    role: str,
    company: Company | None = None,
    shop: Shop | None = None,
    employee_code: str = "",
) -> User:
    """Create a user after checking the rules a form would show next to its fields."""
    username = check_username(username)
    check_role_scope(role, company, shop)
    check_user_texts(name, employee_code)
    check_employee_code_free(employee_code, _company_id(role, company))
    check_password_policy(password, username)
    user = User(
        username=username,
        password_hash=hash_password(password),
        name=name.strip() or username,
        role=role,
        company_id=_company_id(role, company),
        shop_id=shop.id if shop and role == Role.SHOP else None,
        employee_code=employee_code.strip(),
    )
    db.session.add(user)
    db.session.flush()
    return user


def _company_id(role: str, company: Company | None) -> int | None:
    """The company a user of `role` belongs to: staff and managers only."""
    return company.id if company and role in (Role.STAFF, Role.MANAGER) else None


def update_user(
    user: User,
    *,
    username: str,
    name: str,
    role: str,
    company: Company | None = None,
    shop: Shop | None = None,
    employee_code: str = "",
    actor: User | None = None,
) -> User:
    """Change a user's name, role and where they belong (nobody changes their own role)."""
    if actor is not None and actor.id == user.id and role != user.role:
        raise DomainError("自分自身の権限は変更できません。", field="role", status=409)
    username = check_username(username, except_id=user.id)
    check_role_scope(role, company, shop)
    check_user_texts(name, employee_code)
    new_company_id = _company_id(role, company)
    if (employee_code.strip(), new_company_id) != (user.employee_code, user.company_id):
        # Only a new code (or company) is checked: a duplicate from before can still be edited.
        check_employee_code_free(employee_code, new_company_id, except_id=user.id)
    if new_company_id != user.company_id:
        user.default_menu_id = None  # the favourite belonged to the old company's shops
    user.username = username
    user.name = name.strip() or username
    user.role = role
    user.company_id = new_company_id
    user.shop_id = shop.id if shop and role == Role.SHOP else None
    user.employee_code = employee_code.strip()
    db.session.flush()
    return user


def set_user_active(user: User, active: bool, actor: User) -> None:
    """Enable or disable a login; a disabled user's sessions end at once."""
    if not active and user.id == actor.id:
        raise DomainError("自分自身を無効にすることはできません。", status=409)
    user.active = active
    if not active:
        end_user_sessions(user)
    db.session.flush()


def reset_password(user: User, password: str | None = None) -> str:
    """Set a new password (or a generated one), end the user's sessions, return it."""
    password = password or generate_password()
    check_password_policy(password, user.username)
    user.password_hash = hash_password(password)
    end_user_sessions(user)
    db.session.flush()
    return password


def change_own_password(user: User, current: str, new: str) -> None:
    """Change one's own password and end every login of the user, the current one too.

    The browser that changed it gets a new login from the view (`begin_login`): a copy of
    its old cookie, wherever it is, stops working.
    """
    if not verify_password(user.password_hash, current):
        raise DomainError("現在のパスワードが正しくありません。", field="current_password")
    try:
        check_password_policy(new, user.username)
    except DomainError as error:
        raise DomainError(error.message, field="new_password") from None
    if new == current:
        raise DomainError("新しいパスワードは現在のものと変えてください。", field="new_password")
    user.password_hash = hash_password(new)
    end_user_sessions(user)
    db.session.flush()


def favourite_choices(user: User) -> list[Menu]:
    """Return the menus a user may pick as favourite: those they could order now."""
    if user.company_id is None:
        return []
    shops = serving_shops(user)
    menus = active_menus(shops)
    return [menu for shop in shops for menu in menus[shop.id]]


def set_default_menu(user: User, menu_id: int | None) -> None:
    """Set the user's favourite among the menus of shops serving their company (or clear it)."""
    if menu_id is not None:
        try:
            orderable_menu(user, menu_id)
        except DomainError as error:
            raise DomainError(error.message, field="default_menu_id") from None
    user.default_menu_id = menu_id
    db.session.flush()


def find_login(username: str) -> User | None:
    """Return the user a login form's username names, whether typed in full or half width."""
    normalized = normalize_username(username)
    user = db.session.scalar(sa.select(User).where(User.username == normalized))
    if user is None and normalized != username.strip():
        # Stored as typed before usernames were normalized: that login keeps working.
        user = db.session.scalar(sa.select(User).where(User.username == username.strip()))
    return user


def authenticate(username: str, password: str) -> User | None:
    """Return the active user with these credentials, upgrading an old hash; else None."""
    user = find_login(username)
    if not verify_password(user.password_hash if user else None, password):
        return None
    if not user.active:
        return None
    if needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
    return user
