import pytest

pytestmark = pytest.mark.browser


def test_login_page_renders_in_chromium(live_server, transactional_db, page):
    response = page.goto(live_server.url + "/accounts/login/")

    assert response is not None
    assert response.status == 200
    assert page.locator("input[type=password]").count() == 1
    assert page.title().strip()
