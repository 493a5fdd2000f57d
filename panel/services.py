"""Services of the site itself: the first admin account, staff's second factor, signing an
account out everywhere, customers' discounts."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import QuerySet

from catalog.pricing import show
from panel.models import MAX_DISCOUNT, MIN_DISCOUNT, User


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


# Recovery codes only come with one of these and are no second factor on their own.
SECOND_FACTORS = (Authenticator.Type.TOTP, Authenticator.Type.WEBAUTHN)


def staff_needs_two_factor(*, user: User) -> bool:
    """True for a staff member who must set up a second factor (TOTP or a passkey) before the
    admin: STAFF_REQUIRE_2FA is on and they have none activated."""
    if not (settings.STAFF_REQUIRE_2FA and user.is_authenticated and user.is_staff):
        return False
    return not Authenticator.objects.filter(user=user, type__in=SECOND_FACTORS).exists()


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


def customers_set_discount(*, customers: QuerySet[User], discount_percent: Decimal) -> int:
    """Gives `customers` `discount_percent`; returns how many changed.

    The admin records each change on the audit trail (audit.admin.AuditedAdmin), from what to what.
    Nothing needs repricing: the discount is applied when a price is shown or charged.
    ValidationError outside MIN_DISCOUNT..MAX_DISCOUNT.
    """
    if not MIN_DISCOUNT <= discount_percent <= MAX_DISCOUNT:
        raise ValidationError(f"A discount is {show(MIN_DISCOUNT)}% to {show(MAX_DISCOUNT)}%.", code="range")
    with transaction.atomic():
        changed = list(customers.select_for_update().exclude(discount_percent=discount_percent))
        if not changed:
            return 0
        User.objects.filter(pk__in=[user.pk for user in changed]).update(discount_percent=discount_percent)
    return len(changed)


@transaction.atomic
def chain_reseller_ensure(*, email: str, funds: Decimal) -> str:
    """The customer a second demo panel (`make run-chain`) buys from this one as: created once,
    topped up to `funds` when it has less, and given a new API key (returned in clear; the old one
    is revoked, so each start hands the key to the panel that uses it)."""
    from billing.models import Balance
    from billing.services import ledger_deposit
    from panel.apikeys import api_key_create

    customer = User.objects.filter(email=email).first() or User.objects.create_user(
        email=email, password=None
    )
    balance = Balance.objects.filter(customer=customer).values_list("amount", flat=True).first() or Decimal(0)
    if balance < funds:
        ledger_deposit(
            customer=customer,
            amount=funds - balance,
            created_by=None,
            reason="make run-chain: panel B's funds",
        )
    return api_key_create(customer=customer)[1]
