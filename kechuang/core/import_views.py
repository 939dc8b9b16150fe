"""Import pages shared by every registry: upload, progress and preview, confirm, template."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from .domain import imports
from .interfaces.excel import ExcelFileError, template_bytes
from .models import ImportJob
from .views import is_htmx


def _importer_or_404(request, key):
    try:
        importer = imports.importer_for(key)
    except KeyError:
        raise Http404 from None
    if not request.user.has_perm(importer.permission):
        raise PermissionDenied
    return importer


@login_required
def upload(request, key):
    importer = _importer_or_404(request, key)
    error = None
    if request.method == "POST":
        uploaded = request.FILES.get("file")
        if uploaded is None:
            error = _("Choose an Excel file to import.")
        else:
            try:
                job = imports.start_import(key, uploaded, request.user, request.LANGUAGE_CODE)
            except ExcelFileError as problem:
                error = str(problem)
            else:
                return redirect("core:import-job", pk=job.pk)
    recent = ImportJob.objects.visible_to(request.user).filter(importer=key)[:10]
    return render(
        request,
        "core/import_upload.html",
        {"importer": importer, "key": key, "error": error, "recent": recent},
    )


def _job(request, pk) -> ImportJob:
    job = get_object_or_404(
        ImportJob.objects.visible_to(request.user).select_related("created_by"), pk=pk
    )
    _importer_or_404(request, job.importer)
    return job


@login_required
def job_detail(request, pk):
    job = _job(request, pk)
    importer = imports.importer_for(job.importer)
    template = "core/_import_job.html" if is_htmx(request) else "core/import_job.html"
    return render(request, template, {"job": job, "importer": importer})


@login_required
@require_POST
def job_confirm(request, pk):
    job = _job(request, pk)
    imports.confirm(job)
    return redirect("core:import-job", pk=job.pk)


@login_required
def template(request, key):
    importer = _importer_or_404(request, key)
    content = template_bytes(importer.columns, importer(request.user).example())
    response = HttpResponse(
        content, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{key}-template.xlsx"
    return response
