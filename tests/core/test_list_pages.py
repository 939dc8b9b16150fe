"""Every list page, found in the URL conf: its sortable headers sort without error, an unknown
sort key changes nothing, and its create button names the record it creates.

The list pages are the addresses (without arguments) whose view is a ``ScopedListView``; the
sort keys are those the view declares and those its headers link to, walked as the
administrator over the demo data.
"""

from __future__ import annotations

import re
from html import unescape
from urllib.parse import parse_qs, urlsplit

import pytest
from django.db.models import Value
from django.urls import URLPattern, URLResolver, get_resolver
from django.utils import translation

from kechuang.accounts.models import User
from kechuang.core.record_views import RecordListView
from kechuang.core.views import ScopedListView, can_order_by

pytestmark = pytest.mark.django_db


def _list_pages() -> list[tuple[str, type[ScopedListView]]]:
    """(address, view class) of every list page without arguments in its address."""
    found = []

    def walk(patterns, prefix: str):
        for pattern in patterns:
            route = prefix + str(pattern.pattern)
            if isinstance(pattern, URLResolver):
                walk(pattern.url_patterns, route)
            elif isinstance(pattern, URLPattern):
                view = getattr(pattern.callback, "view_class", None)
                if view and issubclass(view, ScopedListView) and "<" not in route:
                    found.append(("/" + route.lstrip("^").rstrip("$"), view))

    walk(get_resolver().url_patterns, "")
    return sorted(found, key=lambda page: page[0])


LIST_PAGES = _list_pages()
SORT_LINK = re.compile(r'<th><a href="\?([^"]*)"')


def test_the_list_pages_are_found():
    addresses = {address for address, _ in LIST_PAGES}
    assert {"/registry/organisations/", "/services/policies/", "/seismic/shelters/"} <= addresses, (
        addresses
    )
    assert len(LIST_PAGES) >= 40


@pytest.fixture
def admin(client, demo):
    client.force_login(User.objects.get(username="admin"))
    return client


def _header_keys(content: str) -> set[str]:
    keys = set()
    for query in SORT_LINK.findall(content):
        keys.update(k.lstrip("-") for k in parse_qs(unescape(query)).get("sort", []))
    return keys


@pytest.mark.parametrize(("address", "view"), LIST_PAGES, ids=[a for a, _ in LIST_PAGES])
def test_every_sortable_header_sorts(admin, address, view):
    page = admin.get(address)
    assert page.status_code == 200
    declared = set(view().sort_fields)
    shown = _header_keys(page.content.decode())
    assert shown <= declared, f"{address}: headers sort by keys the view does not declare"
    for key in sorted(declared):
        for sort in (key, f"-{key}"):
            response = admin.get(address, {"sort": sort})
            assert response.status_code == 200, f"{address}?sort={sort}"
            assert response.context["current_sort"] == sort, f"{address}?sort={sort} ignored"
            partial = admin.get(address, {"sort": sort}, headers={"HX-Request": "true"})
            assert partial.status_code == 200, f"{address}?sort={sort} (table only)"


@pytest.mark.parametrize(("address", "view"), LIST_PAGES, ids=[a for a, _ in LIST_PAGES])
def test_an_unknown_sort_key_keeps_the_default_order(admin, address, view):
    for sort in ("no_such_field", "-pk__nothing", "created_by__password"):
        response = admin.get(address, {"sort": sort})
        assert response.status_code == 200, f"{address}?sort={sort}"
        assert response.context["current_sort"] == view.default_sort


def test_only_fields_and_annotations_sort():
    from kechuang.services.models import Policy

    policies = Policy.objects.all()
    for expression in ("title", "-title", "pk", "-created_by__username", "domain"):
        assert can_order_by(policies, expression), expression
    for expression in ("in_force", "title__nothing", "no_such_field", "-versions__nothing"):
        assert not can_order_by(policies, expression), expression
    assert can_order_by(policies.annotate(in_force=Value(1)), "-in_force")


def test_a_declared_sort_the_queryset_cannot_do_is_ignored():
    from kechuang.services.models import Policy

    class Broken(ScopedListView):
        sort_fields = {"title": ("title",), "computed": ("not_annotated",)}
        default_sort = "title"

    view, policies = Broken(), Policy.objects.all()
    assert view.ordering_for("-computed", policies) == ("title", "pk")
    assert view.current_sort == "title"
    assert view.ordering_for("-title", policies) == ("-title", "-pk")
    assert view.current_sort == "-title"


RECORD_LISTS = [(a, v) for a, v in LIST_PAGES if issubclass(v, RecordListView)]


@pytest.mark.parametrize(("address", "view"), RECORD_LISTS, ids=[a for a, _ in RECORD_LISTS])
def test_the_create_button_names_the_record(admin, address, view):
    content = admin.get(address).content.decode()
    button = re.search(r'<a class="btn btn-primary" href="[^"]*">([^<]*)</a>', content)
    with translation.override("zh-hans"):
        name = str(view.model._meta.verbose_name)
    if button is None:  # records added on their parent's page, or not by the administrator
        assert not view.creatable or "新增主体" not in content
        return
    assert button.group(1) == f"新增{name}"
    assert "新增主体" not in content


def test_only_the_organisation_registry_adds_organisations(admin):
    content = admin.get("/registry/organisations/").content.decode()
    assert "新增主体" in content
    assert "新增主体" not in admin.get("/services/policies/").content.decode()
    assert "新增政策" in admin.get("/services/policies/").content.decode()
    assert "新增研发机构" in admin.get("/platforms/rd-institutions/").content.decode()


def test_addresses_are_paths():
    for address, _ in LIST_PAGES:
        assert urlsplit(address).path == address
