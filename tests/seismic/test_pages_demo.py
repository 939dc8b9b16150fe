"""The earthquake-prevention pages over the demo data: every list and the 2020 dashboard render
for bureau staff, and the dashboard's figures are the seed facts' (131 inspections in 2020)."""

import pytest
from django.urls import reverse

from kechuang.seismic.models import Inspection
from kechuang.seismic.reference import RECORDS

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff(demo, make_user):
    return make_user("staff")


@pytest.mark.parametrize("name", RECORDS)
def test_every_list_renders_over_the_demo_data(client, staff, name):
    client.force_login(staff)

    response = client.get(reverse(f"seismic:{name}-list"), {"page_size": 200})

    assert response.status_code == 200
    assert response.context["total"] > 0, name


def test_the_2020_dashboard_shows_the_seed_facts(client, staff):
    client.force_login(staff)

    response = client.get(reverse("seismic:dashboard"), {"year": 2020})
    cards = {card["key"]: card["text"] for card in response.context["headlines"]}

    assert cards["inspections"] == "131"
    flagged = response.context["flagged"]
    assert cards["flagged"] == str(len(flagged))
    for inspection in flagged:
        assert inspection.evaluation().below_requirement
        assert inspection.get_absolute_url() in response.content.decode()


def test_a_demo_project_page_shows_the_rules(client, staff):
    client.force_login(staff)
    inspection = Inspection.objects.in_year(2020).select_related("project").first()

    response = client.get(inspection.project.get_absolute_url())

    assert response.status_code == 200
    panel = response.context["requirement"]
    assert panel["steps"] and not panel["problem"]
