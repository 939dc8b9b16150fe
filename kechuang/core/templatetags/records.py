from django import template
from django.db import models
from django.utils.html import format_html

from kechuang.core.interfaces.display import Shown, record_url

register = template.Library()


@register.simple_tag
def shown(obj, column: Shown):
    """One value of a record as a list cell or a detail fact, linked where it has a page."""
    value = column.value_of(obj)
    if column.link:
        return format_html('<a href="{}">{}</a>', record_url(obj), value)
    if isinstance(value, models.Model):
        url = record_url(value)
        return format_html('<a href="{}">{}</a>', url, value) if url else str(value)
    return value
