import datetime as dt

import pytest

from kechuang.registry.enums import QualificationStatus
from kechuang.registry.models import Qualification
from tests.factories import QualificationFactory

pytestmark = pytest.mark.django_db

DAYS = [dt.date(2019, 12, 31), dt.date(2020, 1, 1), dt.date(2021, 6, 29), dt.date(2021, 6, 30)]


def test_status_of_a_record_agrees_with_the_valid_on_query():
    revoked = QualificationFactory(
        valid_from=dt.date(2020, 1, 1),
        valid_until=dt.date(2022, 12, 31),
        revoked_on=dt.date(2021, 6, 30),
    )
    expiring = QualificationFactory(
        valid_from=dt.date(2020, 1, 1), valid_until=dt.date(2021, 6, 29)
    )

    statuses = [(revoked.status_on(d), expiring.status_on(d)) for d in DAYS]
    valid = [sorted(Qualification.objects.valid_on(d).values_list("pk", flat=True)) for d in DAYS]

    assert statuses == [
        (QualificationStatus.NOT_YET_VALID, QualificationStatus.NOT_YET_VALID),
        (QualificationStatus.VALID, QualificationStatus.VALID),
        (QualificationStatus.VALID, QualificationStatus.VALID),
        (QualificationStatus.REVOKED, QualificationStatus.EXPIRED),
    ]
    assert valid == [[], [revoked.pk, expiring.pk], [revoked.pk, expiring.pk], []]
