"""One throttled login for every entrance, client addresses only as the deployment vouches for
them, API tokens that end with the password, and the operation log's 403."""

import datetime as dt

import pytest
from django.contrib.auth import authenticate
from django.test import RequestFactory, override_settings
from rest_framework.authtoken.models import Token

from kechuang.audit.context import client_ip
from kechuang.audit.models import AuditEvent
from tests.factories import PASSWORD, staff_user

pytestmark = pytest.mark.django_db

SITE = "/accounts/login/"
ADMIN = "/admin/login/"


def login(client, url, username, password, **extra):
    extra.setdefault("REMOTE_ADDR", "10.0.0.9")
    data = {"username": username, "password": password}
    if url == ADMIN:
        data["next"] = "/admin/"
    return client.post(url, data, **extra)


def superuser(username):
    user = staff_user(username)
    user.is_superuser = True
    user.is_staff = True
    user.save()
    return user


@pytest.mark.parametrize("entrance", [SITE, ADMIN])
@override_settings(KECHUANG_LOGIN_MAX_FAILURES=3)
def test_every_entrance_is_throttled(client, entrance):
    superuser("root")
    for _ in range(3):
        login(client, entrance, "root", "wrong-password")

    response = login(client, entrance, "root", PASSWORD)

    assert "_auth_user_id" not in client.session
    assert "登录失败次数过多" in response.content.decode()


@override_settings(KECHUANG_LOGIN_MAX_FAILURES=3)
def test_a_user_locked_on_one_entrance_is_locked_on_the_others(client):
    superuser("root")
    for _ in range(3):
        login(client, SITE, "root", "wrong-password")

    through_admin = login(client, ADMIN, "root", PASSWORD)
    through_backend = authenticate(RequestFactory().get("/"), username="root", password=PASSWORD)

    assert through_admin.status_code == 200 and "_auth_user_id" not in client.session
    assert through_backend is None


def test_the_admin_login_works_when_not_locked(client):
    superuser("root")

    response = login(client, ADMIN, "root", PASSWORD)

    assert response.status_code == 302 and client.session["_auth_user_id"]


def request_from(peer, forwarded=None):
    extra = {"REMOTE_ADDR": peer}
    if forwarded is not None:
        extra["HTTP_X_FORWARDED_FOR"] = forwarded
    return RequestFactory().get("/", **extra)


@override_settings(KECHUANG_TRUSTED_PROXIES=0)
def test_without_a_declared_proxy_the_header_is_ignored():
    assert client_ip(request_from("203.0.113.5", "1.2.3.4")) == "203.0.113.5"


@override_settings(KECHUANG_TRUSTED_PROXIES=1)
def test_behind_one_proxy_the_address_it_appended_counts():
    # The client wrote "1.2.3.4, 5.6.7.8"; the proxy appended the address it saw.
    assert client_ip(request_from("10.0.0.1", "1.2.3.4, 5.6.7.8, 198.51.100.7")) == "198.51.100.7"
    assert client_ip(request_from("10.0.0.1", "198.51.100.7")) == "198.51.100.7"
    assert client_ip(request_from("10.0.0.1", "")) == "10.0.0.1"
    assert client_ip(request_from("10.0.0.1", "not-an-address")) == "10.0.0.1"


@override_settings(KECHUANG_TRUSTED_PROXIES=2)
def test_behind_two_proxies_the_second_entry_from_the_right_counts():
    assert client_ip(request_from("10.0.0.1", "6.6.6.6, 198.51.100.7, 10.0.0.2")) == "198.51.100.7"


@pytest.mark.parametrize("proxies", [0, 1])
def test_a_forged_header_neither_escapes_nor_aims_the_address_lock(client, proxies):
    """Varying X-Forwarded-For does not reset the per-address count, a forged one does not lock
    out the address it names, and the audit log stores the real address."""
    staff_user("victim")
    real = "198.51.100.7"
    # With no declared proxy the client talks to us directly; with one, the proxy (10.0.0.1)
    # appends the address it saw to whatever the client wrote.
    peer = real if proxies == 0 else "10.0.0.1"

    def header(address):
        return address if proxies == 0 else f"{address}, {real}"

    limits = {
        "KECHUANG_TRUSTED_PROXIES": proxies,
        "KECHUANG_LOGIN_MAX_FAILURES": 1000,
        "KECHUANG_LOGIN_MAX_FAILURES_PER_IP": 3,
    }
    with override_settings(**limits):
        for n in range(3):
            forged = header(f"192.0.2.{n + 1}")
            login(client, SITE, f"nobody{n}", "x", REMOTE_ADDR=peer, HTTP_X_FORWARDED_FOR=forged)
        ips = set(AuditEvent.objects.filter(action="login_failed").values_list("ip", flat=True))
        locked = login(
            client, SITE, "victim", PASSWORD, REMOTE_ADDR=peer, HTTP_X_FORWARDED_FOR=header("")
        )
        locked_in = "_auth_user_id" in client.session
        # The address the forged headers named first is not locked.
        elsewhere = (
            {"REMOTE_ADDR": "192.0.2.1"}
            if proxies == 0
            else {"REMOTE_ADDR": "10.0.0.1", "HTTP_X_FORWARDED_FOR": "192.0.2.1"}
        )
        free = login(client, SITE, "victim", PASSWORD, **elsewhere)

    assert ips == {real}
    assert locked.status_code == 200 and not locked_in
    assert free.status_code == 302


def api(client, token):
    return client.get("/api/v1/organisations/", HTTP_AUTHORIZATION=f"Token {token.key}")


def test_a_password_change_ends_the_api_tokens(client):
    user = staff_user("token-owner")
    token = Token.objects.create(user=user)
    assert api(client, token).status_code == 200
    client.force_login(user)

    changed = client.post(
        "/accounts/password/",
        {
            "old_password": PASSWORD,
            "new_password1": "Another-good-pass-2026",
            "new_password2": "Another-good-pass-2026",
        },
    )
    client.logout()

    assert changed.status_code == 302
    assert not Token.objects.filter(user=user).exists()
    assert api(client, token).status_code in (401, 403)


def test_a_disabled_account_ends_the_api_tokens(client):
    user = staff_user("leaver")
    token = Token.objects.create(user=user)

    user.is_active = False
    user.save()

    assert not Token.objects.filter(pk=token.pk).exists()
    assert api(client, token).status_code in (401, 403)


def test_a_login_does_not_end_the_api_tokens(client):
    user = staff_user("keeper")
    token = Token.objects.create(user=user)

    assert login(client, SITE, "keeper", PASSWORD).status_code == 302

    assert Token.objects.filter(pk=token.pk).exists()


@override_settings(KECHUANG_API_TOKEN_DAYS=30)
def test_tokens_expire(client):
    user = staff_user("old-token")
    token = Token.objects.create(user=user)
    Token.objects.filter(pk=token.pk).update(
        created=token.created - dt.timedelta(days=30, seconds=1)
    )

    response = api(client, token)

    assert response.status_code in (401, 403)
    assert "过期" in response.json()["detail"]


def test_the_current_password_is_refused_as_the_new_one(client):
    user = staff_user("same")
    client.force_login(user)

    response = client.post(
        "/accounts/password/",
        {"old_password": PASSWORD, "new_password1": PASSWORD, "new_password2": PASSWORD},
    )

    assert response.status_code == 200
    assert "不能与当前密码相同" in str(response.context["form"].errors["new_password2"])
    user.refresh_from_db()
    assert user.check_password(PASSWORD)


def test_the_operation_log_is_403_for_a_signed_in_non_administrator(client):
    client.force_login(staff_user("curious"))

    response = client.get("/audit/")

    assert response.status_code == 403
    assert "error-403" in response.content.decode()
    assert client.get("/audit/", follow=False).get("Location") is None


def test_the_operation_log_sends_an_anonymous_visitor_to_the_login(client):
    response = client.get("/audit/")

    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")
