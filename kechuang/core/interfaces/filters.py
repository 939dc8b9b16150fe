import django_filters
from django import forms
from django.utils.translation import gettext_lazy as _


class YesNoFilter(django_filters.BooleanFilter):
    """A yes/no filter whose empty choice reads “All”, not “Unknown”."""

    def __init__(self, *args, **kwargs):
        choices = [("", _("All")), ("true", _("yes")), ("false", _("no"))]
        kwargs.setdefault("widget", forms.Select(choices=choices))
        super().__init__(*args, **kwargs)
