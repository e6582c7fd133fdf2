"""gunicorn.conf.py takes its settings from the environment or, like the app, from .env."""

import os
import shutil
import subprocess
import sys
from pathlib import Path

CHECKOUT = Path(__file__).resolve().parent.parent
SHOW = (
    "import runpy; s = runpy.run_path('gunicorn.conf.py');"
    "print(s['bind'], s['workers'], s['threads'], s['os'].environ['DB_POOL_SIZE'])"
)


def _settings(directory: Path, **environment: str) -> str:
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith("GUNICORN_") and key != "DB_POOL_SIZE"
    }
    return subprocess.run(  # noqa: S603 (our own interpreter and config file)
        [sys.executable, "-c", SHOW],
        cwd=directory,
        env={**env, **environment},
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()


def test_settings_in_dotenv_are_used_and_the_environment_wins(tmp_path):
    shutil.copy(CHECKOUT / "gunicorn.conf.py", tmp_path)
    assert _settings(tmp_path) == "127.0.0.1:8000 4 8 8"  # defaults: a pool per thread
    (tmp_path / ".env").write_text(
        "GUNICORN_BIND=127.0.0.1:8123\nGUNICORN_WORKERS=2\nGUNICORN_THREADS=3\n", encoding="utf-8"
    )
    assert _settings(tmp_path) == "127.0.0.1:8123 2 3 3"
    assert _settings(tmp_path, GUNICORN_WORKERS="5") == "127.0.0.1:8123 5 3 3"
