"""The blocklist in the admin: add a rule (its value normalized, a bad one a form error), read and
delete rules. A rule is not edited: delete it and add the right one."""

from __future__ import annotations

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError

from fraud.models import BlockRule
from fraud.services import block_rule_create, block_value_normalize


class BlockRuleForm(forms.ModelForm):
    class Meta:
        model = BlockRule
        fields = ["kind", "value", "reason"]
        help_texts = {
            "value": "An e-mail address, a domain (example.com), an IP address or network "
            "(203.0.113.7, 203.0.113.0/24) or a full link, as the kind says.",
        }

    def clean(self):
        cleaned = super().clean()
        kind, value = cleaned.get("kind"), cleaned.get("value")
        if kind and value is not None:
            try:
                cleaned["value"] = block_value_normalize(kind=kind, value=value)
            except ValidationError as error:
                self.add_error("value", error)
                return cleaned
            if BlockRule.objects.filter(kind=kind, value=cleaned["value"]).exists():
                self.add_error("value", "This value is already blocked.")
        return cleaned


@admin.register(BlockRule)
class BlockRuleAdmin(admin.ModelAdmin):
    form = BlockRuleForm
    list_display = ["kind", "value", "reason", "created_by", "created_at"]
    list_filter = ["kind"]
    search_fields = ["value", "reason"]
    list_select_related = ["created_by"]
    readonly_fields = ["created_by", "created_at"]

    def has_change_permission(self, request, obj=None):
        # Its page is read-only once saved (the value's kind decides how it was normalized).
        return False if obj is not None else super().has_change_permission(request, obj)

    def get_fields(self, request, obj=None):
        return (
            ["kind", "value", "reason"]
            if obj is None
            else ["kind", "value", "reason", "created_by", "created_at"]
        )

    def save_model(self, request, obj, form, change):
        if change:  # pragma: no cover (has_change_permission refuses it)
            return
        created = block_rule_create(
            kind=form.cleaned_data["kind"],
            value=form.cleaned_data["value"],
            reason=form.cleaned_data["reason"],
            created_by=request.user,
        )
        obj.pk, obj.value, obj.network = created.pk, created.value, created.network
