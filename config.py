"""Application configuration, read from the environment and `.env`.

`OBENTO_ENV` picks the class: `production` (the default, so a forgotten setting fails safe),
`development` or `testing`. Every value can be overridden by an environment variable of the
same name; `.env.example` documents them.
"""

import os
from datetime import timedelta
from pathlib import Path

from dotenv import load_dotenv

BASE_DIR = Path(__file__).resolve().parent
load_dotenv(BASE_DIR / ".env")


def _int(name: str, default: int) -> int:
    return int(os.environ.get(name, default))


def _bool(name: str, default: bool) -> bool:
    return os.environ.get(name, str(default)).strip().lower() in {"1", "true", "yes", "on"}


class Config:
    SECRET_KEY = os.environ.get("SECRET_KEY", "")
    SQLALCHEMY_DATABASE_URI = os.environ.get(
        "DATABASE_URL", "postgresql+psycopg://postgres@127.0.0.1:54320/obento"
    )
    # Server used to create the application database (`flask obento create-db`);
    # empty means the `postgres` database of the same server.
    ADMIN_DATABASE_URL = os.environ.get("ADMIN_DATABASE_URL", "")
    # The business day's time zone (obento/calendar.py), fixed when the app starts.
    OBENTO_TIMEZONE = os.environ.get("OBENTO_TIMEZONE", "Asia/Tokyo")

    DB_CONNECT_TIMEOUT = _int("DB_CONNECT_TIMEOUT", 2)  # seconds per attempt
    DB_CONNECT_RETRIES = _int("DB_CONNECT_RETRIES", 3)  # attempts before the 503 page
    DB_RETRY_BACKOFF = float(os.environ.get("DB_RETRY_BACKOFF", "0.5"))  # doubled each time
    DB_STATEMENT_TIMEOUT_MS = _int("DB_STATEMENT_TIMEOUT_MS", 5000)
    # Waiting for a row or table lock gives up sooner than a statement: a locked table
    # answers 503 quickly instead of holding a worker thread.
    DB_LOCK_TIMEOUT_MS = _int("DB_LOCK_TIMEOUT_MS", 2000)
    DB_POOL_SIZE = _int("DB_POOL_SIZE", 5)
    # Seconds a request waits for a free pooled connection before answering 503.
    DB_POOL_TIMEOUT = _int("DB_POOL_TIMEOUT", 5)

    # A relative LOG_DIR is under the checkout, whatever the working directory (send_file
    # would read it relative to the package).
    LOG_DIR = str(BASE_DIR / os.environ.get("LOG_DIR", "logs"))
    LOG_RETENTION_DAYS = _int("LOG_RETENTION_DAYS", 90)

    SESSION_COOKIE_NAME = "obento_session"
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_SECURE = _bool("SESSION_COOKIE_SECURE", False)
    # A login stays valid this long without use, and this long at most (server-side, see
    # obento/services/sessions.py); phones used for one-tap ordering keep their login.
    SESSION_IDLE_TIMEOUT = timedelta(days=_int("SESSION_IDLE_DAYS", 14))
    SESSION_ABSOLUTE_TIMEOUT = timedelta(days=_int("SESSION_ABSOLUTE_DAYS", 60))
    PERMANENT_SESSION_LIFETIME = SESSION_ABSOLUTE_TIMEOUT
    # The cookie is set when it changes (login, a flash message), not re-signed on every
    # request: it expires with the absolute timeout anyway, and the idle timeout is kept on
    # the server (last_seen_at).
    SESSION_REFRESH_EACH_REQUEST = False

    # Host names the app answers to (comma-separated; empty = any), and how many reverse
    # proxies in front of it may set X-Forwarded-For/-Proto (0 = trust no such header).
    TRUSTED_HOSTS = [h.strip() for h in os.environ.get("TRUSTED_HOSTS", "").split(",") if h.strip()]
    PROXY_COUNT = _int("PROXY_COUNT", 0)
    SECURITY_HSTS = False

    # Failed logins per account or per client address within the window before 429.
    LOGIN_MAX_FAILURES = _int("LOGIN_MAX_FAILURES", 10)
    LOGIN_FAILURE_WINDOW = timedelta(minutes=_int("LOGIN_FAILURE_WINDOW_MINUTES", 15))
    # A failed login answers no sooner than this (see auth.views.answer_failure_no_sooner).
    FAILED_LOGIN_MIN_MS = _int("FAILED_LOGIN_MIN_MS", 400)

    # CSRF tokens live as long as the login: a page left open all morning still submits.
    WTF_CSRF_TIME_LIMIT = None
    MAX_CONTENT_LENGTH = _int("MAX_CONTENT_LENGTH", 2 * 1024 * 1024)

    @property
    def SQLALCHEMY_ENGINE_OPTIONS(self) -> dict:  # noqa: N802 (Flask config key)
        return {
            "pool_size": self.DB_POOL_SIZE,
            "pool_timeout": self.DB_POOL_TIMEOUT,
            "pool_recycle": 1800,
            "connect_args": {
                "connect_timeout": self.DB_CONNECT_TIMEOUT,
                "options": f"-c statement_timeout={self.DB_STATEMENT_TIMEOUT_MS}"
                f" -c lock_timeout={self.DB_LOCK_TIMEOUT_MS} -c timezone=UTC",
                "application_name": "obento",
            },
        }


class DevelopmentConfig(Config):
    SECRET_KEY = os.environ.get("SECRET_KEY") or "development-only-not-secret"


class TestingConfig(Config):
    TESTING = True
    # Cheap argon2id so the suite's many logins stay fast; production keeps the defaults.
    ARGON2_PARAMETERS = {"time_cost": 1, "memory_cost": 1024, "parallelism": 1}
    SECRET_KEY = "testing-only-not-secret"  # tests only  # noqa: S105  # nosec B105
    LOG_DIR = str(BASE_DIR / os.environ.get("TEST_LOG_DIR", "logs/test"))
    DB_RETRY_BACKOFF = 0.2
    FAILED_LOGIN_MIN_MS = 0  # the suite's many wrong passwords stay fast


class ProductionConfig(Config):
    SESSION_COOKIE_SECURE = _bool("SESSION_COOKIE_SECURE", True)
    SECURITY_HSTS = _bool("SECURITY_HSTS", True)

    @classmethod
    def validate(cls) -> None:
        problem = secret_key_problem(cls.SECRET_KEY)
        if problem:
            raise RuntimeError(
                f"SECRET_KEY {problem}. Production needs a random value of at least "
                f"{SECRET_KEY_MIN_LENGTH} characters, e.g. from "
                "python3 -c 'import secrets; print(secrets.token_hex(32))'."
            )


SECRET_KEY_MIN_LENGTH = 32
# A random key of 32 characters has far more different characters than this; fewer is a
# placeholder such as "xxxx…" or "changemechangeme…".
SECRET_KEY_MIN_DISTINCT = 8


def secret_key_problem(key: str) -> str | None:
    """Say what is wrong with a production SECRET_KEY (blank counts as missing), or None."""
    key = key.strip()
    if not key:
        return "is not set (empty or only spaces)"
    if len(key) < SECRET_KEY_MIN_LENGTH:
        return f"is too short ({len(key)} characters)"
    if len(set(key)) < SECRET_KEY_MIN_DISTINCT:
        return f"is too simple (only {len(set(key))} different characters)"
    return None


CONFIGS = {
    "production": ProductionConfig,
    "development": DevelopmentConfig,
    "testing": TestingConfig,
}


def get_config(name: str | None = None) -> Config:
    """Return an instance of the configuration named by `name` or `OBENTO_ENV`."""
    name = name or os.environ.get("OBENTO_ENV", "production")
    try:
        config_class = CONFIGS[name]
    except KeyError:
        raise RuntimeError(
            f"OBENTO_ENV must be one of {', '.join(CONFIGS)}, not {name!r}"
        ) from None
    if hasattr(config_class, "validate"):
        config_class.validate()
    return config_class()
