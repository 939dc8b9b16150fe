"""Background work (django.tasks API through the django-tasks package)."""

from django.utils import translation
from django_tasks import task

from .domain import imports
from .models import ImportJob


def _job(job_id: int) -> ImportJob:
    return ImportJob.objects.select_related("created_by").get(pk=job_id)


@task()
def check_import(job_id: int) -> None:
    job = _job(job_id)
    with translation.override(job.language):
        imports.check(job)


@task()
def commit_import(job_id: int) -> None:
    job = _job(job_id)
    with translation.override(job.language):
        imports.commit(job)
