"""Pieces the apps' admins share: a read-only admin and inline, and the page a bulk action asks
its value on."""

from __future__ import annotations

from django import forms
from django.contrib import admin
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

# How many of the selected objects a bulk action's page names.
EXAMPLES_SHOWN = 10


class ReadOnlyAdmin(admin.ModelAdmin):
    """Shown, never added or changed from the admin (the apps' services write these); deleted only
    where `deletable` says so, and then as Django's permissions allow."""

    deletable = False

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return self.deletable and super().has_delete_permission(request, obj)


class ReadOnlyInline(admin.TabularInline):
    """Part of an object's page, never edited there: whoever may view the object sees it.

    `view_permission` is the object's ("orders.view_order"), not the inline model's own.
    """

    extra = 0
    can_delete = False
    view_permission = ""

    def get_readonly_fields(self, request, obj=None):
        return self.fields

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def has_view_permission(self, request, obj=None):
        return request.user.has_perm(self.view_permission)


def bulk_action_page(
    model_admin: admin.ModelAdmin,
    request: HttpRequest,
    queryset: QuerySet,
    *,
    action: str,
    title: str,
    form: forms.Form,
    note: str = "",
) -> HttpResponse:
    """The page between choosing a bulk action and applying it: how many are selected, some of
    them by name, and the action's form, posted back to the same action with the same selection."""
    context = {
        **model_admin.admin_site.each_context(request),
        "opts": model_admin.model._meta,
        "title": title,
        "form": form,
        "action": action,
        "note": note,
        "count": queryset.count(),
        "examples": list(queryset[:EXAMPLES_SHOWN]),
        "selected": request.POST.getlist(ACTION_CHECKBOX_NAME),
        "select_across": request.POST.get("select_across", "0"),
    }
    return render(request, "admin/bulk_action_page.html", context)
