"""Background work (django.tasks API through the django-tasks package)."""

from django_tasks import task

from .domain import imports
from .models import ImportJob


@task()
def check_import(job_id: int) -> None:
    imports.check(ImportJob.objects.select_related("created_by").get(pk=job_id))


@task()
def commit_import(job_id: int) -> None:
    imports.commit(ImportJob.objects.select_related("created_by").get(pk=job_id))
