"""``field__ilike_contains=term``: case-insensitive substring match that PostgreSQL's trigram
indexes can serve.

Django's ``icontains`` compiles to ``UPPER(col) LIKE UPPER(%term%)`` on PostgreSQL, which only
an index on ``UPPER(col)`` serves; ``col ILIKE %term%`` is served by a plain
``gin_trgm_ops`` index. A term without letters that have case (most Chinese names) is matched
with plain LIKE, which gives the same rows about twice as fast. Other databases get Django's own
``icontains``.
"""

from django.db.models import BigAutoField, BigIntegerField, CharField, IntegerField, TextField
from django.db.models.lookups import IContains, In


class ILikeContains(IContains):
    lookup_name = "ilike_contains"

    def get_rhs_op(self, connection, rhs):
        return connection.operators["icontains"] % rhs

    def as_postgresql(self, compiler, connection):
        lhs, lhs_params = self.process_lhs(compiler, connection)
        rhs, rhs_params = self.process_rhs(compiler, connection)
        term = self.rhs if isinstance(self.rhs, str) else ""
        operator = "LIKE" if term and term.lower() == term.upper() else "ILIKE"
        return f"{lhs} {operator} {rhs}", [*lhs_params, *rhs_params]


CharField.register_lookup(ILikeContains)
TextField.register_lookup(ILikeContains)


class InArray(In):
    """``field__in_array=[…]``: on PostgreSQL ``field = ANY(%s)`` with the values as one array
    parameter. For thousands of values this spares psycopg from parsing a query with thousands
    of placeholders (imports look up a chunk of credit codes at a time). Elsewhere, ``IN``."""

    lookup_name = "in_array"

    def get_rhs_op(self, connection, rhs):
        return f"IN {rhs}"

    def as_postgresql(self, compiler, connection):
        lhs, lhs_params = self.process_lhs(compiler, connection)
        values = [v for v in self.rhs if v is not None]
        db_type = self.lhs.output_field.db_type(connection).split("(")[0]
        return f"{lhs} = ANY(%s::{db_type}[])", [*lhs_params, values]


for field in (CharField, BigAutoField, BigIntegerField, IntegerField):
    field.register_lookup(InArray)
