#!/usr/bin/env python
import os
import sys

if __name__ == "__main__":
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    # A checkout with no configuration at all is a developer's: run commands in development mode.
    # Production always sets SECRET_KEY (settings refuse to start without it), so it is unaffected.
    if "SECRET_KEY" not in os.environ:
        os.environ.setdefault("DEBUG", "true")
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)
