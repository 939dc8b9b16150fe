"""Who may do what with earthquake-prevention records: a role permission, and the record within
data scope (a town officer reaches only their town's records, an organisation user only the
construction projects it owns and their inspections). The city's public documents (house
designs, plans, the yearly assessments) are viewed by the role permission alone."""

import rules

from kechuang.accounts.rules import role_perm, scoped

from .reference import PUBLIC, RECORDS

for model in RECORDS:
    for action in ("view", "add", "change", "delete"):
        perm = f"seismic.{action}_{model}"
        unscoped = action == "add" or (action == "view" and model in PUBLIC)
        rules.add_perm(perm, role_perm(perm) if unscoped else scoped(perm))

for model in RECORDS:
    for action in ("import", "export"):
        perm = f"seismic.{action}_{model}"
        rules.add_perm(perm, role_perm(perm))
