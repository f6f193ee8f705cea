import os
import sys

from django.core.wsgi import get_wsgi_application

from studio.env import EnvError

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "studio.settings")

try:
    application = get_wsgi_application()
except EnvError as exc:
    print(f"Configuration error: {exc}", file=sys.stderr)
    sys.exit(2)
