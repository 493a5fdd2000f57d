"""`manage.py sync_services [--provider ID]`: imports providers' service lists into the catalog."""

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from catalog.services import CatalogSyncError, catalog_sync
from provider.models import Provider


class Command(BaseCommand):
    help = "Imports the service list of one provider, or of every active one, into the catalog."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--provider", type=int, help="the provider's id (default: every active provider)")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["provider"] is not None:
            providers = list(Provider.objects.filter(pk=options["provider"]))
            if not providers:
                raise CommandError(f"There is no provider with id {options['provider']}.")
        else:
            providers = list(Provider.objects.filter(is_active=True))
            if not providers:
                self.stdout.write("No active provider to sync.")
                return
        failed = 0
        for provider in providers:
            try:
                result = catalog_sync(provider=provider)
            except CatalogSyncError as error:
                failed += 1
                self.stderr.write(str(error))
            else:
                self.stdout.write(str(result))
        if failed:
            raise CommandError(f"{failed} of {len(providers)} providers could not be synced.")
