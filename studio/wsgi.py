"""WSGI entry point: ``gunicorn studio.wsgi`` (settings come from the environment)."""

import os
import sys

from django.core.wsgi import get_wsgi_application

from studio.embedded_db import EmbeddedDatabaseError
from studio.env import EnvError

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "studio.settings")

try:
    application = get_wsgi_application()
except EnvError as exc:
    print(f"Configuration error: {exc}", file=sys.stderr)
    sys.exit(2)
except EmbeddedDatabaseError as exc:
    print(exc, file=sys.stderr)
    sys.exit(1)
