"""A model instance as raw SQL, for the few hot paths that join an INSERT with other statements.

`Model.save()` compiles its INSERT anew each time, and that costs more CPU than the database
spends on it (about 0.5 ms a row); order intake also wants the order, its event and the duplicate
check in one statement (orders.services.placing). These helpers write the row `save()` would:
every concrete field, defaults and auto_now(_add) applied, values prepared by their fields.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping
from typing import Any

from django.db import connection
from django.db.models import Field, Model


def table(model: type[Model]) -> str:
    return connection.ops.quote_name(model._meta.db_table)


def insert_parts(instance: Model, *, sql: Mapping[str, str] | None = None) -> tuple[str, str, list[Any]]:
    """(columns, values, params) to INSERT the unsaved `instance`, as `save()` would write it.

    Every concrete field but an automatic primary key; `pre_save` runs, so auto_now(_add) fields
    get their time on `instance` as well. Each value is a parameter cast to its column's type, so
    that the values also serve as an `INSERT ... SELECT` list. `sql` maps an attname to SQL that
    stands in for its value (e.g. the id from an earlier CTE).
    """
    sql = sql or {}
    columns, values, fields = _template(type(instance), tuple(sorted(sql.items())))
    params = [field.get_db_prep_save(field.pre_save(instance, add=True), connection) for field in fields]
    return columns, values, params


@functools.cache
def _template(model: type[Model], sql: tuple[tuple[str, str], ...]) -> tuple[str, str, list[Field]]:
    """The columns and values of insert_parts for `model`, and the fields that are parameters.

    Made once per model and process: the column types alone cost more than the INSERT."""
    stand_ins = dict(sql)
    quote = connection.ops.quote_name
    columns: list[str] = []
    values: list[str] = []
    fields: list[Field] = []
    for field in model._meta.concrete_fields:
        if field is model._meta.auto_field:
            continue
        columns.append(quote(field.column))
        if field.attname in stand_ins:
            values.append(stand_ins[field.attname])
            continue
        if field.has_db_default():
            # A database default would need DEFAULT here; no model in the hot paths has one yet.
            raise NotImplementedError(f"{field} has a db_default; insert_parts does not write those")
        values.append(f"CAST(%s AS {field.cast_db_type(connection)})")
        fields.append(field)
    return ", ".join(columns), ", ".join(values), fields


def mark_saved(instance: Model, pk: int) -> None:
    """`instance` as `save()` leaves it, once its row is in with primary key `pk`."""
    instance.pk = pk
    instance._state.adding = False
    instance._state.db = connection.alias
