"""The panel's allauth adapter (settings.ACCOUNT_ADAPTER): a failed sign-in locks an account for
the failing address only, allauth's texts say "sign in" as the site does, and its e-mails are
named and signed with settings.PANEL_NAME as the panel's own are (panel.emails); the blocklist
refuses an e-mail address at sign-up (fraud)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from allauth.account.adapter import DefaultAccountAdapter
from django import forms
from django.conf import settings
from django.http import HttpRequest

from fraud.services import BLOCKED, blocked_text, blocklist_match
from panel.clientip import client_address
from panel.emails import email_signature


@dataclass(frozen=True)
class _PanelSite:
    """What allauth's e-mail templates read as `current_site`. Without django.contrib.sites
    allauth's is the request's host ("127.0.0.1:8000"), and its mails would say so."""

    name: str
    domain: str


class AccountAdapter(DefaultAccountAdapter):
    error_messages = {
        **DefaultAccountAdapter.error_messages,
        "invalid_login": "Could not sign in with these details.",
        "too_many_login_attempts": "Too many failed attempts to sign in. Try again later.",
    }

    def _get_login_attempts_cache_key(self, request: HttpRequest, **credentials: Any) -> str:
        # allauth keys its per-account limit of failed logins ("5/5m/key") by site and login only,
        # so anyone could lock a customer or staff member out with five wrong passwords. Keyed by
        # the client's address too, a stranger only locks themselves out; the per-address limit
        # ("10/m/ip") still bounds the guesses of each address.
        return f"{super()._get_login_attempts_cache_key(request, **credentials)}:{client_address(request)}"

    def clean_email(self, email: str) -> str:
        # Sign-up and adding an address both come here: the blocklist refuses the address, its
        # domain or the client's address (fraud), as a form error on the e-mail field.
        email = super().clean_email(email)
        address = client_address(self.request) if self.request is not None else None
        rule = blocklist_match(email=email, ip=address)
        if rule is not None:
            raise forms.ValidationError(blocked_text(rule), code=BLOCKED)
        return email

    def send_mail(self, template_prefix: str, email: str, context: dict) -> None:
        # templates/account/email/base_message.txt signs with `signature`.
        panel = _PanelSite(name=settings.PANEL_NAME, domain=settings.PANEL_NAME)
        super().send_mail(
            template_prefix, email, {"current_site": panel, "signature": email_signature(), **context}
        )
