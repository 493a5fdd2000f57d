"""Recording the audit trail: one service, audit_record, that the admin layer calls (audit.admin)."""

from __future__ import annotations

import datetime
import enum
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db import models

from audit.models import AuditEntry, AuditKind

# Longer reasons are cut: the trail keeps what staff wrote, not a novel.
REASON_MAX = 1000


@dataclass(frozen=True)
class AuditChange:
    """One object an action changed, as it was and as it is (full snapshots; the entry keeps the
    fields that differ). An empty `after` is a deletion, an empty `before` an addition."""

    obj: models.Model
    before: Mapping[str, Any] = field(default_factory=dict)
    after: Mapping[str, Any] = field(default_factory=dict)
    object_repr: str = ""


def audit_value(value: Any) -> Any:
    """`value` as JSON the trail can keep and compare: money and dates as text, a related object as
    "its name (#id)", many of them as a sorted list."""
    if value is None or isinstance(value, bool | int | float):
        return value
    if isinstance(value, enum.Enum):
        return audit_value(value.value)
    if isinstance(value, str):
        return str(value)
    if isinstance(value, Decimal):
        return f"{value.normalize():f}"  # "1.3", not "1.3000000000" (a rate's 10 places)
    if isinstance(value, datetime.date | datetime.time):
        return value.isoformat()
    if isinstance(value, models.Model):
        return f"{value} (#{value.pk})"
    if isinstance(value, Iterable):
        return sorted(audit_value(item) for item in value)
    return str(value)


def audit_snapshot(*, obj: models.Model, fields: Iterable[str]) -> dict[str, Any]:
    """The audited `fields` of `obj` as audit_value writes them; a many-to-many field is its related
    objects (prefetch them when snapshotting many)."""
    snapshot: dict[str, Any] = {}
    for name in fields:
        model_field = obj._meta.get_field(name)
        if model_field.many_to_many:
            snapshot[name] = audit_value(getattr(obj, name).all())
        elif model_field.is_relation:
            # The related object's id: no query, and the same whether the object is loaded or not.
            snapshot[name] = audit_value(getattr(obj, model_field.attname))
        else:
            snapshot[name] = audit_value(getattr(obj, name))
    return snapshot


def audit_diff(*, before: Mapping[str, Any], after: Mapping[str, Any]) -> tuple[dict, dict]:
    """The fields that differ, as (before, after); a field missing on one side is left out there."""
    missing = object()
    changed = [key for key in {**before, **after} if before.get(key, missing) != after.get(key, missing)]
    return (
        {key: before[key] for key in changed if key in before},
        {key: after[key] for key in changed if key in after},
    )


def audit_record(
    *,
    actor: models.Model | None,
    kind: AuditKind | str,
    action: str,
    changes: Sequence[AuditChange],
    reason: str = "",
    ip: str = "",
) -> list[AuditEntry]:
    """Append one entry per change that changed something: who (`actor`), what (`kind`, `action`,
    the object), before and after, and why. Call it inside the action's transaction, so that the
    change and its entry are kept or lost together. One INSERT for all of them."""
    label = str(getattr(actor, "email", "") or actor or "system")[:254]
    entries = []
    for change in changes:
        before, after = audit_diff(before=change.before, after=change.after)
        if not (before or after):
            continue
        opts = change.obj._meta
        entries.append(
            AuditEntry(
                actor=actor if actor is not None and actor.pk is not None else None,
                actor_label=label,
                kind=str(kind),
                action=action[:100],
                object_type=f"{opts.app_label}.{opts.model_name}",
                object_id=str(change.obj.pk)[:64],
                object_repr=(change.object_repr or str(change.obj))[:200],
                before=before,
                after=after,
                reason=reason.strip()[:REASON_MAX],
                ip=ip[:45],
            )
        )
    return AuditEntry.objects.bulk_create(entries)
