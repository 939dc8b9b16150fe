from django import forms
from django.core.exceptions import FieldDoesNotExist, ImproperlyConfigured
from django.db.models import QuerySet
from django.forms.utils import flatatt
from django.utils.html import format_html
from django.utils.safestring import mark_safe

from kechuang.accounts.scope import referable, reference_paths


class FastSelect(forms.Select):
    """A single select rendered by string building rather than one template per option.

    List pages render several code-list selects on every request; Django's template-based
    option rendering was the largest part of their time.
    """

    def render(self, name, value, attrs=None, renderer=None):
        final = self.build_attrs(self.attrs, attrs)
        final["name"] = name
        selected = {str(v) for v in self.format_value(value)}
        parts = [format_html("<select{}>", flatatt(final))]
        for option_value, label in self.choices:
            if isinstance(label, list | tuple):  # an option group
                parts.append(format_html('<optgroup label="{}">', option_value))
                parts.extend(self._option(v, text, selected) for v, text in label)
                parts.append("</optgroup>")
            else:
                parts.append(self._option(option_value, label, selected))
        parts.append("</select>")
        return mark_safe("".join(parts))

    @staticmethod
    def _option(value, label, selected) -> str:
        text = "" if value is None else str(value)
        return format_html(
            '<option value="{}"{}>{}</option>',
            text,
            mark_safe(" selected") if text in selected else "",
            label,
        )


def style_form(form):
    """Give every widget Tabler's (Bootstrap's) classes, and mark invalid fields."""
    for name, field in form.fields.items():
        widget = field.widget
        if isinstance(widget, forms.CheckboxSelectMultiple | forms.RadioSelect):
            continue
        if isinstance(widget, forms.CheckboxInput):
            css = "form-check-input"
        elif isinstance(widget, forms.Select | forms.SelectMultiple):
            css = "form-select"
            if type(widget) is forms.Select:
                widget.__class__ = FastSelect
        else:
            css = "form-control"
        if form._errors and name in form._errors:  # never trigger validation from here
            css += " is-invalid"
        widget.attrs["class"] = f"{widget.attrs.get('class', '')} {css}".strip()
    return form


def scoped_references(form) -> list[str]:
    """The fields of ``form`` that refer to records with a data scope (any field choosing from a
    queryset of such records: selects, organisations typed as their credit code …), except
    the form's ``unscoped_references`` (organisations a record only names, which may be any)."""
    exempt = set(getattr(form, "unscoped_references", ()))
    names = []
    for name, field in form.fields.items():
        queryset = getattr(field, "queryset", None)
        if name in exempt or not isinstance(queryset, QuerySet):
            continue
        if reference_paths(queryset.model) is not None:
            names.append(name)
    return names


def current_ids(form, name) -> list:
    """The ids the model form's record holds in its field ``name`` now (none for a new record,
    a form-only field, or a plain form)."""
    instance = getattr(form, "instance", None)
    if instance is None:
        return []
    try:
        model_field = instance._meta.get_field(name)
    except FieldDoesNotExist:
        return []
    if model_field.many_to_many:
        if not instance.pk:
            return []
        return list(getattr(instance, name).values_list("pk", flat=True))
    if not model_field.is_relation:
        return []
    value = getattr(instance, model_field.attname, None)
    return [] if value is None else [value]


def limit_references(form, user) -> None:
    """Limit every scoped reference of ``form`` to what ``user`` may refer to (and what the
    record refers to already), as ``core.api`` does for the API: a value typed or posted
    for another record is refused by the field like any unknown choice."""
    for name in scoped_references(form):
        field = form.fields[name]
        field.queryset = referable(field.queryset, user, current_ids(form, name))


class StyledFormMixin:
    """Every form of the site: Tabler's classes, and — for a form that refers to records with a
    data scope — those references kept within the reach of the form's ``user`` (``self.user``,
    which such a form must have) when it is validated."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        style_form(self)

    def full_clean(self):
        if self.is_bound:
            names = scoped_references(self)
            user = getattr(self, "user", None)
            if names and user is None:
                raise ImproperlyConfigured(
                    f"{type(self).__name__} refers to records with a data scope "
                    f"({', '.join(names)}) but has no user (self.user) to keep them in reach."
                )
            if names:
                limit_references(self, user)
        super().full_clean()
        style_form(self)
