#!/usr/bin/env python
"""Django's command-line utility for the reseller panel."""

import os
import sys


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "panel.settings")
    # In development, the embedded PostgreSQL when DATABASE_URL is unset (the settings start nothing).
    from panel import embedded_db

    embedded_db.provide()
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)


if __name__ == "__main__":
    main()
