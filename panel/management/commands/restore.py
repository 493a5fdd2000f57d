"""`manage.py restore FILE --database-url URL`: a backup into a new, empty database, then its audit."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from panel.backups import BackupError, database_restore


class Command(BaseCommand):
    help = "Restore a `manage.py backup` dump into an empty database and run the ledger audit on it."

    def add_arguments(self, parser):
        parser.add_argument("source", type=Path)
        parser.add_argument(
            "--database-url",
            required=True,
            help="the empty database to restore into (postgres://...); never one that has tables",
        )

    def handle(self, *args, source: Path, database_url: str, **options):
        try:
            restored = database_restore(source=source, database_url=database_url)
        except BackupError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(restored.audit_report)
        if not restored.audit_clean:
            raise CommandError("restored, but the ledger audit of the restored database found problems")
        self.stdout.write(f"restored {source}")
