"""Who may see the indicators: roles granted ``indicators.view_indicators`` (bureau leaders,
staff and town officers; see reference.py) and superusers.

The figures are the city's totals, computed over every record; the records behind them are
listed only within the viewer's data scope (the engine's ``viewer``).
"""

import rules

from kechuang.accounts.rules import role_perm

VIEW_INDICATORS = "indicators.view_indicators"

rules.add_perm(VIEW_INDICATORS, role_perm(VIEW_INDICATORS))
