"""The platform records under /api/v1/: each declared record type's viewset (scoped like the
pages, filtered with the lists' filters, versioned edits)."""

from rest_framework.routers import SimpleRouter

from .record_types import DECLARED

router = SimpleRouter()
for declared in DECLARED:
    if declared.api:
        router.register(*declared.instance.route())

urlpatterns = router.urls
