"""`manage.py backup`: a consistent dump of the panel's database, for cron or compose to schedule."""

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from panel.backups import BackupError, database_backup


class Command(BaseCommand):
    help = "Dump the database (pg_dump, custom format) into a directory, keeping the newest --keep dumps."

    def add_arguments(self, parser):
        parser.add_argument("--directory", type=Path, default=Path(settings.DATA_DIR) / "backups")
        parser.add_argument("--keep", type=int, default=None, help="how many dumps to keep (default: all)")

    def handle(self, *args, directory: Path, keep: int | None, **options):
        if keep is not None and keep < 1:
            raise CommandError("--keep must be 1 or more")
        try:
            backup = database_backup(directory=directory, keep=keep)
        except BackupError as error:
            raise CommandError(str(error)) from error
        for old in backup.removed:
            self.stdout.write(f"removed {old}")
        self.stdout.write(f"backup {backup.path} ({backup.size:,} bytes)")
