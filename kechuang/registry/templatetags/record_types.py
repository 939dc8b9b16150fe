"""``{% declared_menu "seismic" as entries %}``: the menu entries of an area's declared record
types that the user may see (``kechuang.registry.record_types.menu``)."""

from django import template

from kechuang.registry.record_types import menu

register = template.Library()


@register.simple_tag(takes_context=True)
def declared_menu(context, app: str) -> list[dict]:
    return menu(app, context["request"].user)
