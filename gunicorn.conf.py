"""gunicorn settings read automatically from the working directory (`gunicorn wsgi:app`).

Everything can be overridden on the command line or with GUNICORN_CMD_ARGS.

Threaded workers: a request waiting on the database (a lock, a restart, connection retries)
blocks one thread, not a whole process, so the other requests keep being answered and none
waits in the listen queue behind it. Each worker's connection pool (DB_POOL_SIZE) is sized
to its thread count.
"""

import os
from pathlib import Path

import gunicorn.http.wsgi
from dotenv import load_dotenv

# The settings below may come from .env like the app's (the environment wins).
load_dotenv(Path(__file__).resolve().parent / ".env")

bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
workers = int(os.environ.get("GUNICORN_WORKERS", "4"))
worker_class = "gthread"
threads = int(os.environ.get("GUNICORN_THREADS", "8"))
os.environ.setdefault("DB_POOL_SIZE", str(threads))
timeout = 30
graceful_timeout = 20
# Don't advertise the server software and version in every response.
gunicorn.http.wsgi.SERVER = "obento"
