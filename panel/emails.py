"""The panel's own e-mails to customers, named and signed as allauth's are (panel.accounts): the
subject starts with settings.EMAIL_SUBJECT_PREFIX ("[PANEL_NAME] ") and the body ends with
email_signature(), never the host and port a request came to."""

from __future__ import annotations

from django.conf import settings
from django.core.mail import send_mail


def email_signature() -> str:
    """The last line of every e-mail to a customer."""
    return f"-- \n{settings.PANEL_NAME}"


def customer_email_send(*, to: str, subject: str, body: str) -> None:
    """One plain-text e-mail to `to`; raises what the mail backend raises."""
    send_mail(
        f"{settings.EMAIL_SUBJECT_PREFIX}{subject}", f"{body.rstrip()}\n\n{email_signature()}\n", None, [to]
    )
