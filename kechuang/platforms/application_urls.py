"""Pages of the R&D institution certification workflow (included by urls.py)."""

urlpatterns = []
