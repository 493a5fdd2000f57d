"""Services of the site itself: the first admin account, signing an account out everywhere."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from pathlib import Path

from allauth.account.models import EmailAddress
from django.db import transaction

from panel.models import User


@dataclass(frozen=True)
class AdminAccount:
    email: str
    # The password to print, or None when it is not known (an existing admin's own).
    password: str | None
    created: bool


@transaction.atomic
def admin_ensure(*, email: str, password: str | None, remember_in: Path) -> AdminAccount:
    """Make sure a superuser with `email` exists.

    A given password is (re)set; without one, a new admin gets a generated password that is
    kept in `remember_in` (mode 0600) so that later starts can print it again while it is
    still the admin's password.
    """
    email = email.strip().lower()
    user = User.objects.select_for_update().filter(email=email).first()
    created = user is None
    if user is None:
        user = User.objects.create_superuser(email=email, password=None)
    # The operator named this address: signing in must not wait for a confirmation e-mail.
    EmailAddress.objects.update_or_create(
        user=user, email=email, defaults={"verified": True, "primary": True}
    )
    if password:
        user.set_password(password)
        user.is_staff = user.is_superuser = user.is_active = True
        user.save()
        return AdminAccount(email, password, created)
    if created:
        generated = secrets.token_urlsafe(12)
        user.set_password(generated)
        user.save()
        remember_in.parent.mkdir(parents=True, exist_ok=True)
        remember_in.write_text(generated)
        remember_in.chmod(0o600)
        return AdminAccount(email, generated, created)
    remembered = remember_in.read_text().strip() if remember_in.exists() else None
    if remembered and user.check_password(remembered):
        return AdminAccount(email, remembered, created)
    return AdminAccount(email, None, created)


@dataclass(frozen=True)
class SignedOut:
    sessions: int
    api_keys: int


def account_sign_out_everywhere(*, customer: User) -> SignedOut:
    """End all of the customer's sessions and revoke their API keys: what to do when an account may
    be in someone else's hands. The caller signs its own request out as well."""
    from panel.apikeys import api_key_revoke
    from panel.sessions import user_sessions_end

    return SignedOut(
        sessions=user_sessions_end(user_id=customer.pk), api_keys=api_key_revoke(customer=customer)
    )
