"""`manage.py create_customer EMAIL --password P`: an active customer who can sign in at once.

Their e-mail address counts as verified: when django-allauth's account app is installed, a
verified primary EmailAddress is created with the user. Their balance starts at 0 (billing opens
it whenever an account is created).
"""

from __future__ import annotations

from django.apps import apps
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction


class Command(BaseCommand):
    help = "Create an active customer account with a verified e-mail address and an empty balance."

    def add_arguments(self, parser):
        parser.add_argument("email")
        parser.add_argument("--password", required=True)

    def handle(self, *args, email: str, password: str, **options):
        email = email.strip().lower()
        try:
            validate_email(email)
        except ValidationError:
            raise CommandError(f"{email!r} is not an e-mail address") from None
        if not password:
            raise CommandError("The password must not be empty")
        try:
            with transaction.atomic():
                user = get_user_model().objects.create_user(email=email, password=password, is_active=True)
                if apps.is_installed("allauth.account"):
                    from allauth.account.models import EmailAddress

                    EmailAddress.objects.create(user=user, email=email, verified=True, primary=True)
        except IntegrityError:
            raise CommandError(f"An account with the e-mail address {email} exists already") from None
        self.stdout.write(f"Created customer {email}")
