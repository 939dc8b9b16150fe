"""Who may do what with innovation-platform records: a role permission, and the record within
data scope (an institute's manager reaches only their institute's records, a town officer only
their town's)."""

import rules

from kechuang.accounts.rules import role_perm, scoped

from .reference import RECORDS

for model in RECORDS:
    for action in ("view", "add", "change", "delete"):
        perm = f"platforms.{action}_{model}"
        rules.add_perm(perm, role_perm(perm) if action == "add" else scoped(perm))

IMPORT_PLATFORMS = "platforms.import_rdinstitution"
EXPORT_PLATFORMS = "platforms.export_rdinstitution"
rules.add_perm(IMPORT_PLATFORMS, role_perm(IMPORT_PLATFORMS))
rules.add_perm(EXPORT_PLATFORMS, role_perm(EXPORT_PLATFORMS))
# New-type R&D institutes have their own (reference.ROLE_GRANTS gives them as the above).
IMPORT_INSTITUTES = "platforms.import_institute"
EXPORT_INSTITUTES = "platforms.export_institute"
rules.add_perm(IMPORT_INSTITUTES, role_perm(IMPORT_INSTITUTES))
rules.add_perm(EXPORT_INSTITUTES, role_perm(EXPORT_INSTITUTES))

# Certification workflow steps (kechuang/platforms/domain/certification.py).
RECOMMEND = "platforms.recommend_certificationapplication"
REVIEW = "platforms.review_certificationapplication"
DECIDE = "platforms.decide_certificationapplication"
for perm in (RECOMMEND, REVIEW, DECIDE):
    rules.add_perm(perm, scoped(perm))
