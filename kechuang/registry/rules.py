"""Who may do what in the registry: a role permission, and the record within data scope."""

import rules

from kechuang.accounts.rules import role_perm, scoped

for model in ("organisation", "enterpriseyear", "qualification", "person"):
    for action in ("view", "add", "change", "delete"):
        perm = f"registry.{action}_{model}"
        rules.add_perm(perm, role_perm(perm) if action == "add" else scoped(perm))

IMPORT_ORGANISATIONS = "registry.import_organisation"
EXPORT_ORGANISATIONS = "registry.export_organisation"
rules.add_perm(IMPORT_ORGANISATIONS, role_perm(IMPORT_ORGANISATIONS))
rules.add_perm(EXPORT_ORGANISATIONS, role_perm(EXPORT_ORGANISATIONS))

# People's data is personal: the roles exporting organisations may export it, no others.
IMPORT_PEOPLE = "registry.import_person"
EXPORT_PEOPLE = "registry.export_person"
rules.add_perm(IMPORT_PEOPLE, role_perm(IMPORT_PEOPLE))
rules.add_perm(EXPORT_PEOPLE, role_perm(EXPORT_PEOPLE))

# Qualifications (资质: 高新技术企业 certificates …) to and from Excel: the certificate lists
# the province publishes are imported by staff; whoever exports organisations exports them.
for perm in ("registry.import_qualification", "registry.export_qualification"):
    rules.add_perm(perm, role_perm(perm))
