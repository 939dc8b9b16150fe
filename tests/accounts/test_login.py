import pytest
from django.test import override_settings

from kechuang.audit.models import AuditEvent
from tests.factories import PASSWORD, staff_user

pytestmark = pytest.mark.django_db
LOGIN = "/accounts/login/"


def attempt(client, username, password):
    return client.post(LOGIN, {"username": username, "password": password}, REMOTE_ADDR="10.0.0.7")


def test_login_failed_login_and_logout_are_audited(client):
    staff_user("wang")

    attempt(client, "wang", "wrong-password")
    attempt(client, "wang", PASSWORD)
    client.post("/accounts/logout/", REMOTE_ADDR="10.0.0.7")

    sessions = AuditEvent.objects.filter(action__in=["login", "login_failed", "logout"])
    events = list(sessions.order_by("id").values_list("action", "object_repr", "ip"))
    assert events == [
        ("login_failed", "wang", "10.0.0.7"),
        ("login", "wang", "10.0.0.7"),
        ("logout", "wang", "10.0.0.7"),
    ]


@override_settings(KECHUANG_LOGIN_MAX_FAILURES=3)
def test_login_is_locked_after_repeated_failures_even_with_the_right_password(client):
    staff_user("li")
    for _ in range(3):
        assert attempt(client, "li", "wrong-password").status_code == 200

    response = attempt(client, "li", PASSWORD)

    assert response.status_code == 200
    assert "_auth_user_id" not in client.session
    assert "登录失败次数过多" in response.content.decode()


@override_settings(KECHUANG_LOGIN_MAX_FAILURES=3)
def test_a_successful_login_resets_the_count(client):
    staff_user("zhao")
    attempt(client, "zhao", "wrong-password")
    attempt(client, "zhao", "wrong-password")
    assert attempt(client, "zhao", PASSWORD).status_code == 302
    client.post("/accounts/logout/")

    attempt(client, "zhao", "wrong-password")
    attempt(client, "zhao", "wrong-password")

    assert attempt(client, "zhao", PASSWORD).status_code == 302


def test_weak_passwords_are_refused(client):
    user = staff_user("sun")
    client.force_login(user)

    response = client.post(
        "/accounts/password/",
        {"old_password": PASSWORD, "new_password1": "12345678", "new_password2": "12345678"},
    )

    assert response.status_code == 200
    assert response.context["form"].errors["new_password2"]


def test_admin_is_for_administrators_only(client):
    staff = staff_user("qian")
    staff.is_staff = True  # even with Django's staff flag, a non-superuser is refused
    staff.save()
    client.force_login(staff)

    assert client.get("/admin/").status_code == 302


def test_password_change_is_audited_without_the_hash(client):
    user = staff_user("zhou")
    client.force_login(user)

    client.post(
        "/accounts/password/",
        {
            "old_password": PASSWORD,
            "new_password1": "Another-good-pass-2026",
            "new_password2": "Another-good-pass-2026",
        },
    )

    event = AuditEvent.objects.filter(action="update", model="accounts.user").latest("id")
    assert event.changes == {"password": ["***", "*** (changed)"]}
    assert "pbkdf2" not in str(event.changes) and "md5" not in str(event.changes)


def test_role_assignment_is_audited(client):
    from tests.factories import role

    user = staff_user("wu")

    user.roles.add(role("extra", "all", perms=[]))

    event = AuditEvent.objects.filter(model="accounts.user", object_id=str(user.pk)).latest("id")
    assert event.changes == {"roles": {"added": ["extra"]}}


def test_login_form_inputs_carry_tablers_classes_and_mark_the_missing_field(client):
    """The login form styles itself (accounts may not import core's StyledFormMixin)."""
    page = client.get(LOGIN).content.decode()
    assert page.count('class="form-control"') == 2

    page = client.post(LOGIN, {"username": "wang", "password": ""}).content.decode()
    assert 'class="form-control is-invalid"' in page
