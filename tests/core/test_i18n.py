import pytest

pytestmark = pytest.mark.django_db


def test_chinese_is_the_default_and_english_is_selectable(client):
    chinese = client.get("/accounts/login/").content.decode()

    client.post("/i18n/setlang/", {"language": "en", "next": "/accounts/login/"})
    english = client.get("/accounts/login/").content.decode()

    assert '<html lang="zh-hans">' in chinese and "登录您的账号" in chinese
    assert '<html lang="en">' in english and "Log in to your account" in english


def test_time_zone_is_shanghai(settings):
    assert (settings.TIME_ZONE, settings.LANGUAGE_CODE) == ("Asia/Shanghai", "zh-hans")


def test_chinese_plurals_use_the_single_chinese_form():
    from django.utils import translation
    from django.utils.translation import ngettext

    with translation.override("zh-hans"):
        text = ngettext("%(counter)s record in all", "%(counter)s records in all", 5)

    assert text % {"counter": 5} == "共 5 条记录"
