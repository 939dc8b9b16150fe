"""Who may do what with earthquake-prevention records: a role permission, and the record within
data scope (a town officer reaches only their town's records, an organisation user only the
construction projects it owns and their inspections)."""

import rules

from kechuang.accounts.rules import role_perm, scoped

from .reference import EXPORTABLE, RECORDS

for model in RECORDS:
    for action in ("view", "add", "change", "delete"):
        perm = f"seismic.{action}_{model}"
        rules.add_perm(perm, role_perm(perm) if action == "add" else scoped(perm))

for model in EXPORTABLE:
    for action in ("import", "export"):
        perm = f"seismic.{action}_{model}"
        rules.add_perm(perm, role_perm(perm))
