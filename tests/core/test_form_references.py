"""No page form accepts a reference outside the writer's data scope.

Derived from the forms themselves: every form class of the platform, every field of it that
chooses from records with a data scope (selects, organisations typed as their credit code …),
and every demo account. A value naming a record the account does not reach is refused by that
field; a form that refers to such records cannot be validated without knowing its user.
"""

from __future__ import annotations

import contextlib
import importlib
import inspect
import pkgutil

import pytest
from django import forms
from django.core.exceptions import ImproperlyConfigured

import kechuang
from kechuang.accounts.demo import DEMO_ACCOUNTS
from kechuang.accounts.models import User
from kechuang.accounts.scope import reference_filter, restrict
from kechuang.core.interfaces.forms import scoped_references

pytestmark = pytest.mark.django_db


def _form_classes() -> list[type]:
    for module in pkgutil.walk_packages(kechuang.__path__, "kechuang."):
        if ".migrations" in module.name or module.name.endswith(("__main__", ".cli")):
            continue
        if ".management" in module.name:
            continue
        importlib.import_module(module.name)

    def below(cls):
        for sub in cls.__subclasses__():
            yield sub
            yield from below(sub)

    found = {
        c
        for c in below(forms.BaseForm)
        if c.__module__.startswith("kechuang.")
        # a base of model forms, not a form of its own
        and not (issubclass(c, forms.BaseModelForm) and c._meta.model is None)
    }
    return sorted(found, key=lambda c: f"{c.__module__}.{c.__qualname__}")


def _arguments(cls, user) -> dict | None:
    """What the form's constructor needs besides its data, taken from the demo data by the
    parameter's name; None when the form needs something this test cannot supply."""
    from kechuang.platforms.models import RDInstitution
    from kechuang.projects.models import AcceptanceMeeting, Call

    made = {"user": user}
    parameters = {}
    for base in reversed(cls.__mro__):  # what every constructor along the way asks for
        if base.__module__.startswith("kechuang.") and "__init__" in vars(base):
            parameters.update(inspect.signature(base.__init__).parameters)
    for name, parameter in parameters.items():
        if name in {"self", "data", "files", "args", "kwargs", "user", "instance", "initial"}:
            continue
        if parameter.kind in {parameter.VAR_POSITIONAL, parameter.VAR_KEYWORD}:
            continue
        if parameter.default is not inspect.Parameter.empty:
            continue
        lookup = {"record": RDInstitution, "meeting": AcceptanceMeeting, "call": Call}
        if name not in lookup:
            return None
        made[name] = lookup[name].objects.order_by("pk").first()
    return made


def _build(cls, data, arguments):
    arguments = dict(arguments)
    positional = []
    if "meeting" in arguments and "meeting" in inspect.signature(cls.__init__).parameters:
        positional.append(arguments.pop("meeting"))
    try:
        return cls(*positional, data=data, **arguments)
    except TypeError as error:
        if "'user'" not in str(error):
            raise
    # A form that takes no user (a login form …): validating it with a scoped reference
    # would say so (ImproperlyConfigured).
    arguments.pop("user")
    return cls(*positional, data=data, **arguments)


def _value(field, record):
    if isinstance(field, forms.ModelMultipleChoiceField) or field.__class__.__name__.endswith(
        "sField"
    ):
        prepared = field.prepare_value([record])
    else:
        prepared = field.prepare_value(record)
    if isinstance(prepared, list | tuple):
        return [str(item) for item in prepared]
    return str(prepared)


def _declares_references(cls) -> bool:
    """Whether the form class's own fields (before any constructor runs) refer to records with
    a data scope."""
    probe = type("Probe", (), {"fields": cls.base_fields})()
    return bool(scoped_references(probe))


def test_forms_with_references_are_found(demo):
    user = User.objects.get(username="admin")
    found, unbuilt = set(), []
    for cls in _form_classes():
        arguments = _arguments(cls, user)
        try:
            form = _build(cls, None, arguments) if arguments is not None else None
        except Exception:
            form = None
        if form is None:
            unbuilt.append(cls)
            continue
        found |= {f"{cls.__name__}.{name}" for name in scoped_references(form)}
    assert {"PersonForm.organisation", "InstituteTalentForm.person", "PanelForm.expert"} <= found
    assert len(found) > 25
    # Every form this test cannot build has no reference it would have to check.
    assert [c.__name__ for c in unbuilt if _declares_references(c)] == []


def test_no_form_accepts_a_reference_outside_the_users_scope(demo):
    accounts = [
        User.objects.get(username=spec.username) for spec in DEMO_ACCOUNTS if not spec.superuser
    ]
    checked, refused = 0, set()
    for cls in _form_classes():
        for user in accounts:
            arguments = _arguments(cls, user)
            if arguments is None:
                continue
            try:
                probe = _build(cls, None, arguments)
            except Exception:
                continue  # not buildable here: see test_forms_with_references_are_found
            for name in scoped_references(probe):
                model = probe.fields[name].queryset.model
                condition = reference_filter(model, user)
                if condition is None:
                    continue
                reached = restrict(model._default_manager.all(), user).values("pk")
                outside = (
                    model._default_manager.filter(~condition)
                    .exclude(pk__in=reached)
                    .order_by("pk")
                    .first()
                )
                if outside is None:
                    continue
                form = _build(cls, {name: _value(probe.fields[name], outside)}, arguments)
                where = f"{cls.__name__}.{name} as {user.username}: {model.__name__} {outside.pk}"
                # ValueError: the model's own checks of a parent the form does not carry.
                with contextlib.suppress(ValueError):
                    form.full_clean()
                assert name in form._errors, f"{where}: {form._errors}"
                checked += 1
                refused.add(f"{cls.__name__}.{name}")
    assert "PersonForm.organisation" in refused
    assert checked > 50, checked


def test_a_form_with_references_needs_its_user(db):
    from kechuang.registry.declarations import PersonType

    PersonForm = PersonType.instance.Form

    form = PersonForm(data={"name": "张三"}, user=None)

    with pytest.raises(ImproperlyConfigured, match="PersonForm"):
        form.is_valid()
