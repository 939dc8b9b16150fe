"""Pages of the innovation platforms: each kind of record declares its columns, facts and
sections on the shared shapes of :mod:`kechuang.core.record_views`."""

from django.urls import reverse
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from kechuang.core import record_views
from kechuang.core.interfaces.display import Shown
from kechuang.core.record_views import (
    RecordDetailView,
    RecordEditView,
    perm,
    url_name,
)

from . import models
from . import views_rd as rd_actions
from .domain import rd
from .interfaces import exporters, filters, forms
from .rules import EXPORT_PLATFORMS, IMPORT_PLATFORMS


class RecordListView(record_views.RecordListView):
    export_permission = EXPORT_PLATFORMS
    import_permission = IMPORT_PLATFORMS


# R&D institutions ------------------------------------------------------------------------------

LEVEL = Shown("level", sort="level__sort")


class RDInstitutionList(RecordListView):
    model = models.RDInstitution
    filterset_class = filters.RDInstitutionFilter
    related = ("host__town", "level")
    columns = [
        Shown("name", sort="name", link=True),
        Shown("host", sort="host__name"),
        Shown("host__town", label=gettext_lazy("Town")),
        LEVEL,
        Shown("certified_year", sort="certified_year"),
        Shown("certified_on", sort="certified_on"),
        Shown("ended_on", sort="ended_on"),
    ]
    default_sort = "-certified_year"
    export = exporters.RD_INSTITUTIONS
    importer = "platforms.rdinstitution"


class RDInstitutionEdit(RecordEditView):
    """A new certification is certified through the lifecycle (``rd.certify``: the record, its
    "certified" event and the audited step); an edit corrects the record's facts."""

    form_class = forms.RDInstitutionForm

    def save(self, form):
        if form.instance.pk:
            return super().save(form)
        data = form.cleaned_data
        return rd.certify(
            host=data["host"],
            name=data["name"],
            level=data["level"],
            year=data["certified_year"],
            on=data["certified_on"],
            batch=data["batch"],
            document_number=data["document_number"],
            actor=self.request.user,
        )


class RDInstitutionDetail(RecordDetailView):
    model = models.RDInstitution
    related = ("host__town", "level__parent", "successor")
    facts = [
        Shown("host"),
        Shown("host__uscc"),
        Shown("level__parent", label=gettext_lazy("Tier")),
        Shown("level"),
        Shown("certified_year"),
        Shown("certified_on"),
        Shown("batch"),
        Shown("document_number"),
        Shown("in_force_today", label=gettext_lazy("In force today")),
        Shown("ended_on"),
        Shown("end_reason"),
        Shown("successor"),
    ]

    def get_object(self, queryset=None):
        record = super().get_object(queryset)
        record.in_force_today = record.in_force_on(self.today)
        return record

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        record, user = self.object, self.request.user
        if record.ended_on is None and user.has_perm(perm("change", record), record):
            context["actions"] = [
                {
                    "key": key,
                    "label": label,
                    "url": reverse(url_name(record, key), args=[record.pk]),
                }
                for key, label in rd_actions.LABELS.items()
            ]
        return context

    def sections(self):
        record = self.object
        events = self.visible(models.RDInstitutionEvent).filter(institution=record)
        others = list(
            self.visible(models.RDInstitution)
            .filter(host=record.host_id)
            .exclude(pk=record.pk)
            .select_related("level")
            .order_by("certified_on", "pk")
        )
        for other in others:
            other.in_force_today = other.in_force_on(self.today)
        columns = [
            Shown("name", link=True),
            LEVEL,
            Shown("certified_on"),
            Shown("ended_on"),
            Shown("end_reason"),
            Shown("in_force_today", label=gettext_lazy("In force today")),
        ]
        # The events come from the lifecycle steps only: none is added or edited by hand.
        history = self.related_records(
            capfirst(models.RDInstitutionEvent._meta.verbose_name_plural),
            events,
            [
                Shown("happened_on"),
                Shown("kind"),
                Shown("old_name"),
                Shown("new_name"),
                Shown("document_number"),
                Shown("note"),
            ],
        )
        history.key = models.RDInstitutionEvent._meta.model_name
        return [
            history,
            self.related_records(
                _("Other certifications of the host"), others, columns, model=models.RDInstitution
            ),
        ]

    def history_children(self):
        return list(self.object.events.all())
