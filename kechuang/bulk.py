"""Writing many rows at once: inserts from plain values, updates of instances.

On PostgreSQL, batches above a threshold go through COPY, several times faster than Django's
bulk INSERT for the tens of thousands of rows an import writes (Django 5.2 sends a bulk INSERT
as UNNEST over arrays that psycopg builds in Python). COPY returns no ids: callers that need
them look them up by a natural key. Elsewhere, and for small batches, ``bulk_create``.
"""

from operator import attrgetter

from django.db import connections, router
from django.db.models import JSONField
from django.utils import timezone

COPY_THRESHOLD = 200


def _reader(field, connection):
    """How to read a field's database value off an instance, as cheaply as it can be done."""
    if isinstance(field, JSONField):
        return lambda obj: field.get_db_prep_save(getattr(obj, field.attname), connection)
    return attrgetter(field.attname)  # psycopg adapts plain Python values itself


def _fields(model):
    return [f for f in model._meta.concrete_fields if not f.primary_key]


def _copy(connection, model, fields, tuples) -> None:
    ops = connection.ops
    table = ops.quote_name(model._meta.db_table)
    columns = ", ".join(ops.quote_name(f.column) for f in fields)
    with (
        connection.cursor() as cursor,
        cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy,
    ):
        for values in tuples:
            copy.write_row(values)


def _uses_copy(connection, count: int) -> bool:
    return connection.vendor == "postgresql" and count >= COPY_THRESHOLD


def insert_values(model, rows: list[dict], *, batch_size: int = 2000) -> None:
    """Insert rows given as {attname: value}; fields left out take their defaults (and
    ``auto_now`` fields the current time)."""
    if not rows:
        return
    connection = connections[router.db_for_write(model)]
    if not _uses_copy(connection, len(rows)):
        objects = [model(**row) for row in rows]
        model._default_manager.bulk_create(objects, batch_size=batch_size)
        return
    now = timezone.now()
    fields = _fields(model)
    defaults = []
    for f in fields:
        if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False):
            defaults.append(now)
        else:
            defaults.append(f.get_default())
    json_fields = [isinstance(f, JSONField) for f in fields]
    pairs = list(zip(fields, defaults, json_fields, strict=True))

    def values(row):
        out = []
        for f, default, is_json in pairs:
            value = row.get(f.attname, default)
            out.append(f.get_db_prep_save(value, connection) if is_json else value)
        return out

    _copy(connection, model, fields, (values(row) for row in rows))


def update(model, objects: list, fields: list[str], *, batch_size: int = 500) -> None:
    """Write ``fields`` of many instances.

    Django's ``bulk_update`` sends one ``CASE WHEN`` per field and row, which takes minutes for
    tens of thousands of rows; on PostgreSQL large batches go through a temporary table filled
    by COPY and one ``UPDATE … FROM``.
    """
    if not objects:
        return
    connection = connections[router.db_for_write(model)]
    if not _uses_copy(connection, len(objects)):
        model._default_manager.bulk_update(objects, fields, batch_size=batch_size)
        return
    ops = connection.ops
    meta = model._meta
    columns = [meta.pk, *(meta.get_field(name) for name in fields)]
    now = timezone.now()
    for field in columns:
        if getattr(field, "auto_now", False):
            for obj in objects:
                setattr(obj, field.attname, now)
    readers = [_reader(f, connection) for f in columns]
    temp = ops.quote_name(f"bulk_update_{meta.db_table}")
    definitions = ", ".join(f"{ops.quote_name(f.column)} {f.db_type(connection)}" for f in columns)
    assignments = ", ".join(
        f"{ops.quote_name(f.column)} = {temp}.{ops.quote_name(f.column)}" for f in columns[1:]
    )
    table = ops.quote_name(meta.db_table)
    pk_column = ops.quote_name(meta.pk.column)
    with connection.cursor() as cursor:
        cursor.execute(f"CREATE TEMPORARY TABLE {temp} ({definitions})")
        try:
            names = ", ".join(ops.quote_name(f.column) for f in columns)
            with cursor.cursor.copy(f"COPY {temp} ({names}) FROM STDIN") as copy:
                for obj in objects:
                    copy.write_row([read(obj) for read in readers])
            cursor.execute(
                f"UPDATE {table} SET {assignments} FROM {temp} "
                f"WHERE {table}.{pk_column} = {temp}.{pk_column}"
            )
        finally:
            cursor.execute(f"DROP TABLE {temp}")
