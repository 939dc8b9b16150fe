"""The in-app inbox: ``notify`` writes one message per recipient with the change it reports and
e-mails them once that change is committed; each user reads only their own messages."""

import pytest
from django.db import connection, transaction
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from kechuang.core.context_processors import inbox
from kechuang.core.domain.notify import notify
from kechuang.core.models import Notification
from tests.factories import user

pytestmark = pytest.mark.django_db


@pytest.fixture
def alice():
    return user("alice", email="alice@example.org")


@pytest.fixture
def bob():
    return user("bob", email="bob@example.org")


def test_one_message_per_distinct_active_recipient_and_mail_only_after_commit(
    alice, bob, mailoutbox, django_capture_on_commit_callbacks
):
    retired = user("retired", email="retired@example.org", is_active=False)
    no_mail = user("nomail", email="")

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        written = notify([alice, bob, alice, retired, no_mail, None], "申请已退回", "请修改", "/x/")
        assert mailoutbox == []  # nothing is sent before the commit

    assert len(written) == 3
    assert sorted(Notification.objects.values_list("recipient__username", flat=True)) == [
        "alice",
        "bob",
        "nomail",
    ]
    assert len(callbacks) == 1
    assert sorted(m.to[0] for m in mailoutbox) == ["alice@example.org", "bob@example.org"]
    assert {m.subject for m in mailoutbox} == {"申请已退回"}


def test_a_rolled_back_change_notifies_nobody(
    alice, mailoutbox, django_capture_on_commit_callbacks
):
    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        notify([alice], "申请已退回")
        raise RuntimeError

    assert not Notification.objects.exists()
    assert callbacks == [] and mailoutbox == []


def test_the_inbox_shows_only_ones_own_notifications_newest_first(client, alice, bob):
    notify([alice], "给Alice的旧消息")
    notify([alice], "给Alice的新消息")
    notify([bob], "给Bob的消息")
    client.force_login(alice)

    page = client.get(reverse("core:inbox")).content.decode()

    assert "给Bob的消息" not in page
    assert page.index("给Alice的新消息") < page.index("给Alice的旧消息")
    assert page.count('data-unread="true"') == 2 and "fw-bold" in page


def test_the_unread_filter_and_the_badge(client, alice):
    read, unread = notify([alice], "已读消息")[0], notify([alice], "未读消息")[0]
    Notification.objects.filter(pk=read.pk).update(read_at="2026-01-01T00:00:00Z")
    client.force_login(alice)

    page = client.get(reverse("core:inbox") + "?unread=1").content.decode()

    assert "未读消息" in page and "已读消息" not in page
    assert 'data-testid="inbox-unread">1</span>' in page
    assert unread.read_at is None


def test_the_inbox_is_paginated(client, alice):
    for n in range(30):
        notify([alice], f"消息{n:02d}")
    client.force_login(alice)

    first = client.get(reverse("core:inbox"))
    second = client.get(reverse("core:inbox") + "?page=2")

    assert len(first.context["object_list"]) == 25 and first.context["total"] == 30
    assert len(second.context["object_list"]) == 5
    assert "消息29" in first.content.decode() and "消息00" in second.content.decode()


def test_opening_marks_read_and_follows_a_local_link(client, alice):
    (message,) = notify([alice], "请查看", url="/registry/organisations/")
    client.force_login(alice)

    response = client.get(reverse("core:inbox-open", args=[message.pk]))

    message.refresh_from_db()
    assert response.status_code == 302 and response["Location"] == "/registry/organisations/"
    assert message.read_at is not None


@pytest.mark.parametrize(
    "url", ["https://evil.example/login", "//evil.example/", "javascript:alert(1)", ""]
)
def test_a_link_elsewhere_is_shown_not_followed(client, alice, url):
    (message,) = notify([alice], "可疑链接", url=url)
    client.force_login(alice)

    response = client.get(reverse("core:inbox-open", args=[message.pk]))

    message.refresh_from_db()
    assert response.status_code == 200
    assert "可疑链接" in response.content.decode()
    assert message.read_at is not None


def test_someone_elses_notification_is_not_found(client, alice, bob):
    (message,) = notify([bob], "Bob的消息", url="/x/")
    client.force_login(alice)

    response = client.get(reverse("core:inbox-open", args=[message.pk]))

    message.refresh_from_db()
    assert response.status_code == 404 and message.read_at is None


def test_mark_all_read_touches_only_ones_own(client, alice, bob):
    notify([alice, bob], "通知一")
    notify([alice, bob], "通知二")
    client.force_login(alice)

    assert client.get(reverse("core:inbox-read-all")).status_code == 405
    response = client.post(reverse("core:inbox-read-all"))

    assert response.status_code == 302
    assert not alice.notifications.unread().exists()
    assert bob.notifications.unread().count() == 2


def test_the_inbox_needs_a_login(client):
    response = client.get(reverse("core:inbox"))

    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_the_unread_count_costs_one_query_and_only_when_shown(alice):
    notify([alice], "一")
    notify([alice], "二")
    request = RequestFactory().get("/")
    request.user = alice

    with CaptureQueriesContext(connection) as queries:
        context = inbox(request)
    assert len(queries) == 0
    with CaptureQueriesContext(connection) as queries:
        assert context["inbox_unread"] == 2
        assert str(context["inbox_unread"]) == "2"
    assert len(queries) == 1


def test_no_unread_count_for_anonymous_visitors():
    from django.contrib.auth.models import AnonymousUser

    request = RequestFactory().get("/")
    request.user = AnonymousUser()

    assert inbox(request) == {}
