"""No write through the API reaches outside the writer's data scope.

Derived from the serializers themselves, not from a hand-kept list: every API route that
creates or changes records, every reference a client can set in its serializer (each foreign
key and many-to-many field, nested ones included) to records that have a data scope, and
every demo account. An id of a record the account does not see is refused (400 naming the
field, or 403/404 for an account that may not write there at all), and nothing is written;
an id the account does see is not refused for that reason (so the check is the scope's, and
the test can fail).
"""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from django.urls import URLResolver, get_resolver, reverse
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.test import APIRequestFactory

from kechuang.accounts.demo import DEMO_ACCOUNTS
from kechuang.accounts.models import User
from kechuang.accounts.scope import restrict

pytestmark = pytest.mark.django_db

REFUSED = {400, 403, 404, 405}


@dataclass(frozen=True)
class Reference:
    route: str  # the URL name of the list route (create) or the detail route (change)
    action: str  # "create" or "partial_update"
    viewset: type
    path: str  # the field, dotted into nested serializers
    many: bool
    model: type
    slug_field: str | None


def _patterns(resolver):
    for pattern in resolver.url_patterns:
        if isinstance(pattern, URLResolver):
            yield from _patterns(pattern)
        else:
            yield pattern


def _fields(serializer, prefix=""):
    """(path, field, relation) of every writable reference field, nested ones included."""
    for name, field in serializer.fields.items():
        if field.read_only:
            continue
        path = f"{prefix}{name}"
        if isinstance(field, serializers.ManyRelatedField):
            yield path, True, field.child_relation
        elif isinstance(field, serializers.RelatedField):
            yield path, False, field
        elif isinstance(field, serializers.ListSerializer) and isinstance(
            field.child, serializers.Serializer
        ):
            yield from _fields(field.child, f"{path}.")
        elif isinstance(field, serializers.Serializer):
            yield from _fields(field, f"{path}.")


def _serializer(viewset, action, method):
    """The serializer the viewset uses for ``action``, as the view builds it."""
    view = viewset()
    view.action = action
    view.format_kwarg = None
    view.kwargs = {}
    view.request = Request(getattr(APIRequestFactory(), method)("/"))
    view.request.user = User(is_superuser=True)
    return view.get_serializer_class()(context={"request": view.request, "view": view})


def write_references() -> list[Reference]:
    found = []
    for pattern in _patterns(get_resolver()):
        viewset = getattr(pattern.callback, "cls", None)
        actions = getattr(pattern.callback, "actions", None) or {}
        if viewset is None:
            continue
        exempt = set(getattr(viewset, "unscoped_references", ()))
        for method, action in actions.items():
            if action not in {"create", "partial_update"}:
                continue
            if method not in viewset.http_method_names:
                continue
            for path, many, relation in _fields(_serializer(viewset, action, method)):
                model = relation.queryset.model
                paths = getattr(model, "scope_paths", None)
                if paths is None or paths.public or path in exempt:
                    continue
                slug = getattr(relation, "slug_field", None)
                found.append(Reference(pattern.name, action, viewset, path, many, model, slug))
    return found


def _value(reference: Reference, record):
    value = getattr(record, reference.slug_field) if reference.slug_field else record.pk
    if not isinstance(value, int | str):
        value = str(value)
    value = [value] if reference.many else value
    body = value
    for part in reversed(reference.path.split(".")[1:]):
        body = [{part: body}]
    return {reference.path.split(".")[0]: body}


def _errors_of(body, path):
    """The errors the response names for ``path`` (walking nested lists of dicts)."""
    node = body
    for part in path.split("."):
        if isinstance(node, list):
            node = next((item for item in node if isinstance(item, dict) and item), {})
        if not isinstance(node, dict) or part not in node:
            return None
        node = node[part]
    return node


def _one_visible(client, route):
    """The id of a record the account sees through the list route of ``route``."""
    response = client.get(reverse(route.replace("-detail", "-list")))
    if response.status_code != 200:
        return None
    data = response.json()
    rows = data.get("results", data) if isinstance(data, dict) else data
    return rows[0]["id"] if rows and "id" in rows[0] else None


def test_every_writable_reference_is_found(db):
    """The derivation finds the references the platform is known to have (and so is not
    vacuous): a person's organisation, a talent's person, an application's undertaker."""
    found = {(r.route, r.path) for r in write_references()}
    assert ("person-list", "organisation") in found
    assert ("person-detail", "organisation") in found
    assert ("institute-talent-list", "person") in found
    assert ("projects-application-list", "undertaker") in found
    assert len(found) > 40


def test_no_write_refers_outside_the_writers_scope(client, demo):
    references = write_references()
    accounts = [
        User.objects.get(username=spec.username) for spec in DEMO_ACCOUNTS if not spec.superuser
    ]
    fired = set()  # (route, path) where an out-of-scope id met the scope check
    for user in accounts:
        client.force_login(user)
        for reference in references:
            model = reference.model
            outside = (
                model._default_manager.exclude(
                    pk__in=restrict(model.objects.all(), user).values("pk")
                )
                .order_by("pk")
                .first()
            )
            if outside is None:
                continue  # the account sees every such record
            counted = reference.viewset.queryset.model._default_manager
            before = counted.count()
            if reference.action == "create":
                url = reverse(reference.route)
                response = client.post(
                    url,
                    _value(reference, outside),
                    content_type="application/json",
                    HTTP_ACCEPT_LANGUAGE="en",
                )
            else:
                pk = _one_visible(client, reference.route)
                if pk is None:
                    continue
                url = reverse(reference.route, kwargs={"pk": pk})
                response = client.patch(
                    url,
                    _value(reference, outside),
                    content_type="application/json",
                    HTTP_ACCEPT_LANGUAGE="en",
                )
            where = f"{user.username} {response.request['REQUEST_METHOD']} {url} {reference.path}"
            assert response.status_code in REFUSED, f"{where}: {response.status_code}"
            assert counted.count() == before, f"{where}: a record was written"
            if response.status_code != 400:
                continue
            errors = _errors_of(response.json(), reference.path)
            assert errors, f"{where}: refused, but not for the field: {response.json()}"
            assert "data scope" in str(errors), f"{where}: {errors}"
            fired.add((reference.route, reference.path))
            if reference.action == "partial_update":
                record = counted.get(pk=pk)
                field = reference.path.split(".")[0]
                if not reference.many and "." not in reference.path:
                    assert getattr(record, f"{field}_id", None) != outside.pk, where

            # The control: a record the account sees is not refused as outside its scope.
            inside = restrict(model.objects.all(), user).order_by("pk").first()
            if inside is None:
                continue
            method = client.post if reference.action == "create" else client.patch
            control = method(
                url,
                _value(reference, inside),
                content_type="application/json",
                HTTP_ACCEPT_LANGUAGE="en",
            )
            if control.status_code == 400:
                errors = _errors_of(control.json(), reference.path)
                assert "data scope" not in str(errors or ""), f"{where} (control): {errors}"
    # The person viewset's organisation is the write the security review found open.
    assert ("person-list", "organisation") in fired
    assert ("person-detail", "organisation") in fired
    assert len(fired) > 20, sorted(fired)
