from django.conf import settings


def navigation(request):
    return {"KECHUANG_MODE": settings.MODE}
