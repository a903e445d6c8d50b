"""The WSGI entry point: gunicorn wsgi:app."""
from lti_app import create_app

app = create_app()
