"""A policy's revision through its pages: created with its first draft, the draft edited, sent
for consultation to named bodies, their opinions recorded, adopted with an effective date
(refused, in the reader's language, while a body has not replied), a new version started from
the adopted text and adopted in its turn, superseding the first."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext

from kechuang.audit.enums import AuditAction
from kechuang.audit.models import AuditEvent
from kechuang.services.enums import OpinionPosition, PolicyDomain, VersionState
from kechuang.services.models import Policy, PolicyVersion
from tests.factories import OrganisationFactory

from .factories import PolicyFactory, PolicyVersionFactory

pytestmark = pytest.mark.django_db

OUTSTANDING = "The version cannot be adopted before every body consulted replied: %(bodies)s."


def url(name, *args) -> str:
    return reverse(f"services:{name}", args=args)


def post(client, address, data=None, status=302, **headers):
    response = client.post(address, data or {}, **headers)
    assert response.status_code == status, (address, response.content.decode()[:3000])
    return response


def create_policy(client) -> Policy:
    post(
        client,
        url("policy-create"),
        {
            "title": "平湖市科技金融扶持办法",
            "domain": PolicyDomain.SCIENCE_FINANCE,
            "issuer": "平湖市科学技术局",
            "summary": "科技贷款贴息",
            "text": "第一条 初稿",
        },
    )
    return Policy.objects.get(title="平湖市科技金融扶持办法")


def consult(client, version, bodies):
    today = timezone.localdate().isoformat()
    post(
        client,
        url("policyversion-start_consultation", version.pk),
        {"bodies": "\n".join(bodies), "requested_on": today},
    )
    version.refresh_from_db()
    return list(version.opinions.order_by("pk"))


def reply(client, opinion, position=OpinionPosition.AGREE, text="同意"):
    post(
        client,
        url("consultationopinion-reply", opinion.pk),
        {"position": position, "text": text, "replied_on": timezone.localdate().isoformat()},
    )


def test_a_policy_goes_through_its_revision_on_its_pages(client, w):
    bank = OrganisationFactory(name="平湖农商银行")
    client.force_login(w.staff)
    today = timezone.localdate()

    policy = create_policy(client)
    first = policy.versions.get()
    assert (first.number, first.state, first.text) == (1, VersionState.DRAFT, "第一条 初稿")

    post(
        client,
        url("policyversion-edit", first.pk),
        {
            "title": "平湖市科技金融扶持办法（征求意见稿）",
            "summary": "科技贷款贴息",
            "text": "第一条 修改稿",
            "document_number": "",
            "version": first.version,
        },
    )
    opinions = consult(client, first, ["财政局", "平湖农商银行"])
    assert [(o.body, o.organisation) for o in opinions] == [
        ("财政局", None),
        ("平湖农商银行", bank),
    ]
    first.refresh_from_db()
    assert (first.state, first.text) == (VersionState.CONSULTATION, "第一条 修改稿")

    for opinion in opinions:
        reply(client, opinion)
    post(
        client,
        url("policyversion-adopt", first.pk),
        {
            "effective_from": (today + dt.timedelta(days=1)).isoformat(),
            "adopted_on": today.isoformat(),
            "document_number": "平科〔2024〕1号",
        },
    )
    first.refresh_from_db()
    assert (first.state, first.document_number) == (VersionState.ADOPTED, "平科〔2024〕1号")
    assert first.effective_from == today + dt.timedelta(days=1)

    # The next version starts from the adopted text; adopting it supersedes the first.
    post(client, url("policy-new-version", policy.pk))
    second = policy.versions.get(number=2)
    assert (second.state, second.text) == (VersionState.DRAFT, "第一条 修改稿")
    for opinion in consult(client, second, ["财政局"]):
        reply(client, opinion, OpinionPosition.AGREE_WITH_CHANGES, "建议提高贴息比例")
    later = today + dt.timedelta(days=30)
    post(
        client,
        url("policyversion-adopt", second.pk),
        {"effective_from": later.isoformat(), "adopted_on": today.isoformat()},
    )
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.state, first.effective_to) == (
        VersionState.SUPERSEDED,
        later - dt.timedelta(days=1),
    )
    assert second.state == VersionState.ADOPTED
    transitions = AuditEvent.objects.filter(
        model="services.policyversion", action=AuditAction.TRANSITION
    )
    assert transitions.filter(object_id=str(first.pk)).count() == 3  # consult, adopt, supersede
    shown = client.get(policy.get_absolute_url())
    versions = next(s for s in shown.context["sections"] if s.key == "policyversion")
    assert [v.number for v in versions.records] == [2, 1]
    assert "建议提高贴息比例" in client.get(second.get_absolute_url()).content.decode()


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_adopting_with_outstanding_opinions_is_refused_in_the_ui_language(client, w, language):
    client.force_login(w.staff)
    policy = create_policy(client)
    version = policy.versions.get()
    opinions = consult(client, version, ["财政局", "金融办", "人民银行平湖支行"])
    reply(client, opinions[0])
    today = timezone.localdate().isoformat()

    response = post(
        client,
        url("policyversion-adopt", version.pk),
        {"effective_from": today, "adopted_on": today},
        status=400,
        HTTP_ACCEPT_LANGUAGE=language,
    )

    with translation.override(language):
        expected = gettext(OUTSTANDING) % {"bodies": "金融办、人民银行平湖支行"}
    assert expected in response.content.decode()
    assert f'lang="{language}"' in response.content.decode()
    version.refresh_from_db()
    assert (version.state, version.adopted_on) == (VersionState.CONSULTATION, None)


def test_a_second_open_version_is_refused_with_a_message(client, w):
    client.force_login(w.staff)
    policy = create_policy(client)

    response = post(client, url("policy-new-version", policy.pk))

    assert response["Location"] == policy.get_absolute_url()
    assert policy.versions.count() == 1
    shown = client.get(policy.get_absolute_url()).content.decode()
    assert 'data-testid="action-new_version"' not in shown
    assert "alert-danger" in shown


def test_a_stale_draft_edit_is_refused(client, w):
    client.force_login(w.staff)
    version = create_policy(client).versions.get()
    form = {"title": "甲", "summary": "", "text": "甲稿", "version": version.version}

    post(client, url("policyversion-edit", version.pk), form)
    stale = post(
        client, url("policyversion-edit", version.pk), {**form, "text": "乙稿"}, status=400
    )

    version.refresh_from_db()
    assert version.text == "甲稿"
    assert stale.context["form"].non_field_errors()


def test_steps_not_open_in_the_versions_state_lead_back_with_the_reason(client, w):
    version = PolicyVersionFactory(policy=PolicyFactory(created_by=w.staff))
    client.force_login(w.staff)

    response = client.get(url("policyversion-adopt", version.pk))

    assert response.status_code == 302
    assert response["Location"] == version.get_absolute_url()
    page = client.get(version.get_absolute_url())
    actions = [a["key"] for a in page.context["actions"]]
    assert actions == ["start_consultation", "withdraw"]


def test_a_version_is_withdrawn_with_its_reason(client, w):
    version = PolicyVersionFactory(policy=PolicyFactory(created_by=w.staff))
    client.force_login(w.staff)

    refused = post(
        client,
        url("policyversion-withdraw", version.pk),
        {"on": timezone.localdate().isoformat(), "comment": ""},
        status=400,
    )
    post(
        client,
        url("policyversion-withdraw", version.pk),
        {"on": timezone.localdate().isoformat(), "comment": "政策方向调整"},
    )

    assert "comment" in refused.context["form"].errors
    version.refresh_from_db()
    assert version.state == VersionState.WITHDRAWN


@pytest.mark.parametrize("who", ["east_officer", "a_user"])
def test_policies_are_the_bureaus(client, w, who):
    version = PolicyVersionFactory(policy=PolicyFactory(created_by=w.staff))
    client.force_login(getattr(w, who))

    for address in (
        url("policy-list"),
        version.policy.get_absolute_url(),
        version.get_absolute_url(),
        url("policyversion-adopt", version.pk),
    ):
        assert client.get(address).status_code in (403, 404), address
    assert client.post(url("policy-new-version", version.policy_id)).status_code in (403, 404)
    assert PolicyVersion.objects.filter(policy=version.policy).count() == 1


def test_a_policy_versions_page_keeps_its_document_files(client, w):
    from .factories import PolicyFactory, PolicyVersionFactory

    version = PolicyVersionFactory(policy=PolicyFactory(created_by=w.staff))
    client.force_login(w.staff)
    html = client.get(version.get_absolute_url()).content.decode()
    assert 'data-testid="attachments"' in html
    assert 'data-testid="attachment-file"' in html  # staff may add the signed document
