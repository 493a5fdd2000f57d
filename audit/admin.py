"""The trail in the admin: AuditedAdmin, the mixin that records what staff change through an
admin (its forms, inlines, deletions, bulk actions and custom views), and the read-only
"Audit trail" list. Why our own and not django-auditlog: the audit package's docstring."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import Any, TypeVar

from django.contrib import admin
from django.db import models, transaction
from django.http import HttpRequest
from django.utils.html import format_html, format_html_join

from audit.models import AuditEntry, AuditKind
from audit.services import AuditChange, audit_record, audit_snapshot
from panel.admin_parts import short_time
from panel.clientip import client_address

T = TypeVar("T")


def _m2m(model: type[models.Model], fields: Iterable[str]) -> list[str]:
    return [name for name in fields if model._meta.get_field(name).many_to_many]


def _rows(model: type[models.Model], pks: Iterable[Any], fields: Iterable[str]) -> dict[Any, models.Model]:
    """The objects as stored now, their many-to-many fields in one query each (not one per row)."""
    rows = model._default_manager.filter(pk__in=list(pks)).prefetch_related(*_m2m(model, fields))
    return {row.pk: row for row in rows}


def _by_kind(fields: Mapping[str, AuditKind]) -> dict[AuditKind, list[str]]:
    kinds: dict[AuditKind, list[str]] = {}
    for name, kind in fields.items():
        kinds.setdefault(kind, []).append(name)
    return kinds


class AuditedAdmin(admin.ModelAdmin):
    """Records what staff change through this admin onto the trail.

    `audit_fields` maps each audited field to its kind ({"discount_percent": AuditKind.MONEY});
    changes of other fields are not recorded. Before is the row read just before the save, after is
    the row read again after it and its inlines are saved, so what a service changed on the way (a
    price repriced, a discount set through its service) is recorded as it was stored. Bulk actions
    and custom views record through `audited` and `audit`.
    """

    audit_fields: Mapping[str, AuditKind] = {}

    # -- the change form, the list's editable columns, deletion ----------------------------------

    def save_form(self, request, form, change):
        # Before the form's instance is saved (both the change page and list_editable pass here).
        if change and self.audit_fields:
            stored = _rows(self.model, [form.instance.pk], self.audit_fields).get(form.instance.pk)
            form._audit_before = audit_snapshot(obj=stored, fields=self.audit_fields) if stored else {}
        return super().save_form(request, form, change)

    def save_related(self, request, form, formsets, change):
        # The inline rows as they were, while a deleted one still has its id.
        inlines = [(formset, _inline_rows_before(formset)) for formset in formsets]
        super().save_related(request, form, formsets, change)
        obj = form.instance
        if self.audit_fields:
            stored = _rows(self.model, [obj.pk], self.audit_fields)[obj.pk]
            before = getattr(form, "_audit_before", {}) if change else {}
            after = audit_snapshot(obj=stored, fields=self.audit_fields)
            action = "changed" if change else "added"
            for kind, names in _by_kind(self.audit_fields).items():
                self.audit(
                    request,
                    kind=kind,
                    action=action,
                    changes=[
                        AuditChange(obj, _only(before, names), _only(after, names), self.audit_repr(stored))
                    ],
                )
        for formset, rows in inlines:
            self._audit_formset(request, formset, rows, parent=obj)

    def _audit_formset(self, request, formset, rows, *, parent: models.Model) -> None:
        kind, fields = getattr(formset, "audit_kind", None), getattr(formset, "audit_fields", ())
        if kind is None:
            return
        name = formset.model._meta.verbose_name
        done: dict[str, list[AuditChange]] = {"added": [], "changed": [], "deleted": []}
        for form, was, before in rows:
            if formset._should_delete_form(form):
                done["deleted"].append(AuditChange(was, before, {}))
            elif form.has_changed():
                done["changed"].append(
                    AuditChange(was, before, audit_snapshot(obj=form.instance, fields=fields))
                )
        for obj in formset.new_objects:
            done["added"].append(AuditChange(obj, {}, audit_snapshot(obj=obj, fields=fields)))
        for action, changes in done.items():
            self.audit(request, kind=kind, action=f"{name} {action} on {parent}", changes=changes)

    def delete_model(self, request, obj):
        self._audit_deleted(request, [obj])
        super().delete_model(request, obj)

    def delete_queryset(self, request, queryset):
        self._audit_deleted(request, list(queryset.prefetch_related(*_m2m(self.model, self.audit_fields))))
        super().delete_queryset(request, queryset)

    def _audit_deleted(self, request, objects: list[models.Model]) -> None:
        for kind, names in _by_kind(self.audit_fields).items():
            changes = [
                AuditChange(obj, audit_snapshot(obj=obj, fields=names), {}, self.audit_repr(obj))
                for obj in objects
            ]
            self.audit(request, kind=kind, action="deleted", changes=changes)

    # -- for bulk actions and custom views ---------------------------------------------------------

    def audited(
        self, request: HttpRequest, pks: Iterable[Any], *, action: str, run: Callable[[], T], reason: str = ""
    ) -> T:
        """run() (a bulk action's service), recording how it changed the audited fields of the
        objects `pks`. One transaction: the entries are kept only with the change they describe, and
        the service's own lock waits there as it would alone."""
        pks = list(pks)
        with transaction.atomic():
            before = _rows(self.model, pks, self.audit_fields)
            result = run()
            after = _rows(self.model, pks, self.audit_fields)
            for kind, names in _by_kind(self.audit_fields).items():
                changes = [
                    AuditChange(
                        after.get(pk) or before[pk],
                        audit_snapshot(obj=before[pk], fields=names) if pk in before else {},
                        audit_snapshot(obj=after[pk], fields=names) if pk in after else {},
                        object_repr=self.audit_repr(after.get(pk) or before[pk]),
                    )
                    for pk in [*before, *(pk for pk in after if pk not in before)]
                ]
                self.audit(request, kind=kind, action=action, changes=changes, reason=reason)
        return result

    def audit_repr(self, obj: models.Model) -> str:
        """What the trail names `obj` (its str unless an admin says better)."""
        return str(obj)

    def audit(
        self,
        request: HttpRequest,
        *,
        kind: AuditKind,
        action: str,
        changes: list[AuditChange],
        reason: str = "",
    ) -> None:
        """Record `changes` as the request's staff member's, from the request's address."""
        audit_record(
            actor=request.user,
            kind=kind,
            action=action,
            changes=changes,
            reason=reason,
            ip=client_address(request),
        )


class AuditedInline(admin.options.InlineModelAdmin):
    """An inline whose added, changed and deleted rows AuditedAdmin records (`audit_kind`,
    `audit_fields`): the formset carries them to the parent's save_related."""

    audit_kind: AuditKind | None = None
    audit_fields: tuple[str, ...] = ()

    def get_formset(self, request, obj=None, **kwargs):
        formset = super().get_formset(request, obj, **kwargs)
        # A class made for this call: its attributes are this request's alone.
        formset.audit_kind, formset.audit_fields = self.audit_kind, self.audit_fields
        return formset


def _only(snapshot: Mapping[str, Any], names: Iterable[str]) -> dict[str, Any]:
    return {name: snapshot[name] for name in names if name in snapshot}


def _inline_rows_before(formset) -> list[tuple[Any, models.Model, dict[str, Any]]]:
    """(form, the row as it was, its snapshot) of each existing row of an audited inline, from the
    form's initial values: its instance already holds what was typed."""
    fields = getattr(formset, "audit_fields", ())
    if getattr(formset, "audit_kind", None) is None:
        return []
    rows = []
    for form in formset.initial_forms:
        model = form._meta.model
        values = {model._meta.get_field(n).attname: form.initial.get(n) for n in fields}
        was = model(**{model._meta.pk.attname: form.instance.pk}, **values)
        rows.append((form, was, audit_snapshot(obj=was, fields=fields)))
    return rows


class KindFilter(admin.SimpleListFilter):
    title = "kind"
    parameter_name = "kind"

    def lookups(self, request, model_admin):
        return AuditKind.choices

    def queryset(self, request, queryset):
        return queryset.filter(kind=self.value()) if self.value() else queryset


class ActorFilter(admin.SimpleListFilter):
    """Staff who have entries: no list of every customer account."""

    title = "actor"
    parameter_name = "actor"

    def lookups(self, request, model_admin):
        actors = AuditEntry.objects.order_by("actor_label").values_list("actor_label", flat=True).distinct()
        return [(label, label) for label in actors[:100]]

    def queryset(self, request, queryset):
        return queryset.filter(actor_label=self.value()) if self.value() else queryset


@admin.register(AuditEntry)
class AuditEntryAdmin(admin.ModelAdmin):
    """Read only, for everyone, superusers too: nothing adds, changes or deletes an entry here."""

    list_display = ["at_shown", "actor_label", "kind", "action", "object_shown", "changes_shown", "reason"]
    list_filter = [KindFilter, ActorFilter, "at"]
    search_fields = ["actor_label", "object_repr", "=object_id", "action", "reason"]
    search_help_text = "A staff member's e-mail address, an object's name or id, an action or a reason."
    date_hierarchy = "at"
    show_full_result_count = False  # COUNT(*) of a long trail on every filtered page
    fields = readonly_fields = [
        "at", "actor_label", "actor", "ip", "kind", "action", "object_type", "object_id", "object_repr",
        "changes_shown", "reason",
    ]  # fmt: skip

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.display(description="at", ordering="at")
    def at_shown(self, entry: AuditEntry) -> str:
        return short_time(entry.at)

    @admin.display(description="object")
    def object_shown(self, entry: AuditEntry) -> str:
        return f"{entry.object_type} #{entry.object_id}: {entry.object_repr}"

    @admin.display(description="before → after")
    def changes_shown(self, entry: AuditEntry) -> str:
        # Escaped: names and reasons are staff's and customers' text.
        names = sorted({*entry.before, *entry.after})
        rows = ((name, _shown(entry.before, name), _shown(entry.after, name)) for name in names)
        return format_html("<ul>{}</ul>", format_html_join("", "<li>{}: {} → {}</li>", rows))


def _shown(values: Mapping[str, Any], name: str) -> str:
    return "—" if name not in values else str(values[name])
