"""Every link the home page shows a demo account opens for that account (no 403/404)."""

import re

import pytest

from kechuang.accounts.demo import DEMO_ACCOUNTS
from kechuang.accounts.models import User

pytestmark = pytest.mark.django_db

LINK = re.compile(r'href="(/[^"#]*)"')


@pytest.mark.parametrize("username", [spec.username for spec in DEMO_ACCOUNTS])
def test_every_home_page_link_opens(client, demo, username):
    client.force_login(User.objects.get(username=username))
    page = client.get("/").content.decode()
    links = sorted({href.replace("&amp;", "&") for href in LINK.findall(page)})
    links = [href for href in links if not href.startswith(("/static/", "/accounts/logout"))]

    broken = [(href, client.get(href).status_code) for href in links]

    assert links
    assert [(href, status) for href, status in broken if status >= 400] == []
