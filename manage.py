#!/usr/bin/env python
"""Django's command-line utility for Studio sessions."""

import os
import sys


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "studio.settings")
    from django.conf import settings
    from django.core.management import execute_from_command_line

    from studio.embedded_db import EmbeddedDatabaseError
    from studio.env import EnvError

    try:
        # Load the settings first: Django would hide a settings error from some
        # commands (help, shell) and go on half-configured.
        settings.INSTALLED_APPS  # noqa: B018
    except EnvError as exc:
        # One clear line, no traceback: the variable and what is wrong with it.
        print(f"Configuration error: {exc}", file=sys.stderr)
        sys.exit(2)
    except EmbeddedDatabaseError as exc:
        print(exc, file=sys.stderr)
        sys.exit(1)
    execute_from_command_line(sys.argv)


if __name__ == "__main__":
    main()
