"""Inserting many rows at once.

On PostgreSQL, batches above a threshold go through COPY, several times faster than Django's
bulk INSERT for the tens of thousands of rows an import writes (Django 5.2 sends a bulk INSERT
as UNNEST over arrays that psycopg builds in Python). COPY returns no ids: callers that need
them look them up by a natural key. Elsewhere, and for small batches, ``bulk_create``.
"""

from django.db import connections, router

COPY_THRESHOLD = 200


def insert(model, objects: list, *, batch_size: int = 2000) -> None:
    if not objects:
        return
    connection = connections[router.db_for_write(model)]
    if connection.vendor != "postgresql" or len(objects) < COPY_THRESHOLD:
        model._default_manager.bulk_create(objects, batch_size=batch_size)
        return
    fields = [f for f in model._meta.concrete_fields if not f.primary_key]
    ops = connection.ops
    table = ops.quote_name(model._meta.db_table)
    columns = ", ".join(ops.quote_name(f.column) for f in fields)
    with (
        connection.cursor() as cursor,
        cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy,
    ):
        for obj in objects:
            copy.write_row(
                [f.get_db_prep_save(f.pre_save(obj, add=True), connection) for f in fields]
            )
