"""PostgreSQL indexes for the registry's search: trigram indexes serve ``ilike_contains``
(ILIKE) on names, a pattern index serves credit-code prefixes. SQLite gets none of these."""

from django.db import migrations

FORWARD = [
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    "CREATE INDEX IF NOT EXISTS registry_org_name_trgm ON registry_organisation "
    "USING gin (name gin_trgm_ops)",
    "CREATE INDEX IF NOT EXISTS registry_org_former_trgm ON registry_organisation "
    "USING gin (former_names gin_trgm_ops)",
    "CREATE INDEX IF NOT EXISTS registry_person_name_trgm ON registry_person "
    "USING gin (name gin_trgm_ops)",
    "CREATE INDEX IF NOT EXISTS registry_org_uscc_prefix ON registry_organisation "
    "(uscc varchar_pattern_ops)",
]
BACKWARD = [
    "DROP INDEX IF EXISTS registry_person_name_trgm",
    "DROP INDEX IF EXISTS registry_org_name_trgm",
    "DROP INDEX IF EXISTS registry_org_former_trgm",
    "DROP INDEX IF EXISTS registry_org_uscc_prefix",
]


def run(statements):
    def apply(apps, schema_editor):
        if schema_editor.connection.vendor != "postgresql":
            return
        for sql in statements:
            schema_editor.execute(sql)

    return apply


class Migration(migrations.Migration):
    dependencies = [("registry", "0001_initial")]

    operations = [migrations.RunPython(run(FORWARD), run(BACKWARD))]
