"""Addresses of the plan-project pages (namespace ``projects``). Calls, applications and the
staff and applicant portals live in ``urls_applications.py``; experts, assignment, reviews and
acceptance meetings in ``urls_review.py``."""

from .urls_applications import urlpatterns as application_patterns
from .urls_review import urlpatterns as review_patterns

app_name = "projects"
urlpatterns = [*application_patterns, *review_patterns]
