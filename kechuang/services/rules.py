"""Who may do what with the services area's records: a role permission, and the record within
data scope (a commissioner's login reaches only its commissioner's records, a town officer only
their town's)."""

import rules

from kechuang.accounts.rules import role_perm, scoped

from .reference import ADOPT_POLICY, EXPORTS, IMPORTS, RECORDS

for model in RECORDS:
    for action in ("view", "add", "change", "delete"):
        perm = f"services.{action}_{model}"
        rules.add_perm(perm, role_perm(perm) if action == "add" else scoped(perm))

for model in IMPORTS:
    rules.add_perm(f"services.import_{model}", role_perm(f"services.import_{model}"))
for model in EXPORTS:
    rules.add_perm(f"services.export_{model}", role_perm(f"services.export_{model}"))

# Adopting and withdrawing policy versions (kechuang/services/domain/policies.py).
rules.add_perm(ADOPT_POLICY, scoped(ADOPT_POLICY))
