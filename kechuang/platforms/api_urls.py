from rest_framework.routers import SimpleRouter

from . import api
from .record_types import DECLARED

router = SimpleRouter()
router.register("rd-institutions", api.RDInstitutionViewSet, basename="rd-institution")
router.register(
    "rd-institution-events", api.RDInstitutionEventViewSet, basename="rd-institution-event"
)

for declared in DECLARED:
    router.register(*declared.instance.route())

urlpatterns = router.urls
