"""The one rule of versioned edits: the stored version is compared with the one the edit
started from, with the row locked, before anything is written; then the version goes up."""

import pytest
from django.db import transaction

from kechuang.core.domain.concurrency import ConcurrentEditError, claim_version, save_versioned
from kechuang.registry.models import Organisation
from tests.factories import OrganisationFactory

pytestmark = pytest.mark.django_db


def test_claim_version_checks_the_stored_version_and_gives_the_next_one():
    org = OrganisationFactory()

    with transaction.atomic():
        claim_version(org, 1)
        assert org.version == 2
        org.save()

    assert Organisation.objects.get(pk=org.pk).version == 2


def test_an_instance_loaded_before_another_edit_is_refused_whatever_version_it_names():
    org = OrganisationFactory(name="甲")
    loaded_before = Organisation.objects.get(pk=org.pk)
    org.name = "乙"
    save_versioned(org, 1)

    loaded_before.name = "丙"
    for named in (1, 2):
        with pytest.raises(ConcurrentEditError) as raised:
            save_versioned(loaded_before, named)
        assert (raised.value.current, raised.value.expected) == (2, named)

    stored = Organisation.objects.get(pk=org.pk)
    assert (stored.name, stored.version) == ("乙", 2)


def test_a_missing_record_is_a_concurrent_edit():
    org = OrganisationFactory()
    Organisation.objects.filter(pk=org.pk).delete()

    with pytest.raises(ConcurrentEditError) as raised:
        save_versioned(org, 1)

    assert raised.value.current is None
