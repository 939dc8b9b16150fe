"""Inserting many rows at once.

On PostgreSQL, batches above a threshold go through COPY, several times faster than Django's
bulk INSERT for the tens of thousands of rows an import writes (Django 5.2 sends a bulk INSERT
as UNNEST over arrays that psycopg builds in Python). COPY returns no ids: callers that need
them look them up by a natural key. Elsewhere, and for small batches, ``bulk_create``.
"""

from operator import attrgetter

from django.db import connections, router
from django.db.models import JSONField

COPY_THRESHOLD = 200


def _reader(field, connection):
    """How to read a field's database value off an instance, as cheaply as it can be done."""
    if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
        return lambda obj: field.pre_save(obj, add=True)
    if isinstance(field, JSONField):
        return lambda obj: field.get_db_prep_save(getattr(obj, field.attname), connection)
    return attrgetter(field.attname)  # psycopg adapts plain Python values itself


def insert(model, objects: list, *, batch_size: int = 2000) -> None:
    if not objects:
        return
    connection = connections[router.db_for_write(model)]
    if connection.vendor != "postgresql" or len(objects) < COPY_THRESHOLD:
        model._default_manager.bulk_create(objects, batch_size=batch_size)
        return
    fields = [f for f in model._meta.concrete_fields if not f.primary_key]
    readers = [_reader(f, connection) for f in fields]
    ops = connection.ops
    table = ops.quote_name(model._meta.db_table)
    columns = ", ".join(ops.quote_name(f.column) for f in fields)
    with (
        connection.cursor() as cursor,
        cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy,
    ):
        for obj in objects:
            copy.write_row([read(obj) for read in readers])
