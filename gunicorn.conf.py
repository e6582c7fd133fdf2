"""gunicorn settings read automatically from the working directory (`gunicorn wsgi:app`).

Everything can be overridden on the command line or with GUNICORN_CMD_ARGS.
"""

import os

import gunicorn.http.wsgi

bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
workers = int(os.environ.get("GUNICORN_WORKERS", "4"))
timeout = 30
graceful_timeout = 20
# Don't advertise the server software and version in every response.
gunicorn.http.wsgi.SERVER = "obento"
