from django.core.management.base import BaseCommand, CommandError

from panel.apikeys import api_key_create
from panel.models import User


class Command(BaseCommand):
    help = "Make a new API key for a customer (revoking the old one) and print it as the last line."

    def add_arguments(self, parser):
        parser.add_argument("email")

    def handle(self, *args, email: str, **options):
        customer = User.objects.filter(email=email.strip().lower()).first()
        if customer is None:
            raise CommandError(f"No account with the e-mail {email}")
        key, raw = api_key_create(customer=customer)
        self.stderr.write(f"New API key for {customer.email} (prefix {key.prefix}); it is not shown again:")
        self.stdout.write(raw)
