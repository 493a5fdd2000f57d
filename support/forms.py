"""The support forms. They only render and carry input: support.services validates it."""

from __future__ import annotations

from django import forms

from support.models import CannedReply, Request, Subject
from support.services import MAX_BODY


def _message(label: str, rows: int) -> forms.CharField:
    # Not required here: the service says what is wrong, in the words the REST API uses too.
    return forms.CharField(
        label=label,
        required=False,
        widget=forms.Textarea(attrs={"rows": rows, "maxlength": MAX_BODY}),
    )


class TicketForm(forms.Form):
    subject = forms.ChoiceField(label="Subject", choices=Subject.choices, initial=Subject.ORDER)
    request = forms.ChoiceField(
        label="Request", choices=[("", "Choose…"), *Request.choices[1:]], required=False
    )
    orders = forms.CharField(
        label="Order ids",
        required=False,
        help_text="One or more of your orders, separated by commas.",
        widget=forms.TextInput(
            attrs={"inputmode": "numeric", "autocomplete": "off", "placeholder": "12, 13"}
        ),
    )
    message = _message("Message", 6)

    def add_error(self, field, error) -> None:
        super().add_error(field if field in self.fields else None, error)


class ReplyForm(forms.Form):
    message = _message("Your reply", 4)


class StaffReplyForm(ReplyForm):
    """The admin's reply box: typed, or a canned reply picked (the page's script copies it into the
    box to be edited; without the script, an empty box sends the canned reply as it is)."""

    canned = forms.ModelChoiceField(
        label="Canned reply", queryset=CannedReply.objects.all(), required=False, empty_label="— none —"
    )

    def message_or_canned(self) -> str:
        typed = self.data.get("message", "")
        if typed.strip():
            return typed
        picked = str(self.data.get("canned", ""))
        canned = CannedReply.objects.filter(pk=int(picked)).first() if picked.isdigit() else None
        return canned.body if canned else ""
