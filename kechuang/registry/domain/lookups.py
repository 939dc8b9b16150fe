"""Finding the organisations people name in forms and Excel files: by unified social credit
code, or by exact name when the name is unique."""

from collections import defaultdict
from collections.abc import Iterable

from django.db.models import Q
from django.utils.translation import gettext as _

from .uscc import normalise_uscc

CHUNK = 2000


class NotFound(LookupError):
    """The message says why, for the user."""


class OrganisationIndex:
    """The organisations of ``queryset`` that ``texts`` may name, loaded at once."""

    def __init__(self, queryset, texts: Iterable[str]):
        texts = sorted({t.strip() for t in texts if t and t.strip()})
        self.by_code: dict[str, int] = {}
        self.by_name: dict[str, list[int]] = defaultdict(list)
        for start in range(0, len(texts), CHUNK):
            part = texts[start : start + CHUNK]
            codes = [normalise_uscc(t) for t in part]
            rows = queryset.filter(Q(uscc__in=codes) | Q(name__in=part)).values_list(
                "pk", "uscc", "name"
            )
            for pk, uscc, name in rows.distinct():
                if uscc:
                    self.by_code[uscc] = pk
                if pk not in self.by_name[name]:
                    self.by_name[name].append(pk)

    def find(self, text: str) -> int:
        """The id of the organisation ``text`` names; NotFound says why there is none."""
        text = text.strip()
        pk = self.by_code.get(normalise_uscc(text))
        if pk is not None:
            return pk
        named = self.by_name.get(text, [])
        if len(named) == 1:
            return named[0]
        if named:
            raise NotFound(
                _(
                    "Several organisations are named “%(value)s”: give the unified social "
                    "credit code instead."
                )
                % {"value": text}
            )
        raise NotFound(
            _("No organisation has the unified social credit code or the name “%(value)s”.")
            % {"value": text}
        )
