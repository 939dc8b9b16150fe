"""Deadlines are judged by when a request arrived (core/middleware.py)."""

import datetime as dt

import pytest
from django.test import RequestFactory, override_settings
from django.utils import timezone

from kechuang.core.middleware import MAX_QUEUE, RequestArrivalMiddleware, proxy_stamp

NOW = dt.datetime(2026, 11, 23, 8, 0, 0, tzinfo=dt.UTC)


@pytest.mark.parametrize(
    "header",
    ["t=1795420795.5", "1795420795.5", "t=1795420795500", "t=1795420795500000"],
)
def test_a_proxy_stamp_in_seconds_milli_or_microseconds(header):
    now = dt.datetime.fromtimestamp(1795420800, tz=dt.UTC)
    assert proxy_stamp(header, now) == dt.datetime.fromtimestamp(1795420795.5, tz=dt.UTC)


@pytest.mark.parametrize("header", [None, "", "t=abc", "t=1e400", "t=-5"])
def test_a_bad_stamp_is_ignored(header):
    assert proxy_stamp(header, NOW) is None


def test_a_stamp_from_the_future_or_too_old_is_ignored():
    assert proxy_stamp(f"t={(NOW + dt.timedelta(seconds=1)).timestamp()}", NOW) is None
    old = NOW - MAX_QUEUE - dt.timedelta(seconds=1)
    assert proxy_stamp(f"t={old.timestamp()}", NOW) is None


def arrival(header=None):
    request = RequestFactory().get("/", headers={"X-Request-Start": header} if header else {})
    RequestArrivalMiddleware(lambda r: None)(request)
    return request.received_at


def test_the_header_counts_only_behind_a_trusted_proxy(settings):
    stamp = timezone.now() - dt.timedelta(seconds=30)
    header = f"t={stamp.timestamp():.6f}"
    settings.KECHUANG_TRUST_REQUEST_START = False
    assert arrival(header) > stamp + dt.timedelta(seconds=29)
    with override_settings(KECHUANG_TRUST_REQUEST_START=True):
        assert abs((arrival(header) - stamp).total_seconds()) < 0.001
    assert timezone.now() - arrival() < dt.timedelta(seconds=5)
