"""The WSGI entry point: `gunicorn wsgi:app`."""

from obento import create_app

app = create_app()
