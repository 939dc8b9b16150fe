"""Choices for filter selects, cached per process.

Every list page offers selects of code-list items, towns and zones; loading them was a handful
of queries per request. They change rarely: each process keeps them for a minute, and a save
of any item in the same process forgets them at once (other processes catch up within the
minute). Edit forms do not use this cache; they always read the database.
"""

from django.core.cache import cache
from django.utils.translation import get_language

CACHE_KEY = "kechuang:choices"
CACHE_SECONDS = 60


def cached_rows(name: str, load) -> list[tuple[str, str, str]]:
    """(code, Chinese name, English name) rows of the named choice list."""
    lists = cache.get(CACHE_KEY) or {}
    if name not in lists:
        lists[name] = [tuple(row) for row in load()]
        cache.set(CACHE_KEY, lists, CACHE_SECONDS)
    return lists[name]


def localised(rows) -> list[tuple[str, str]]:
    english = get_language() == "en"
    return [(code, (name_en if english and name_en else name)) for code, name, name_en in rows]


def forget(**kwargs) -> None:
    cache.delete(CACHE_KEY)


def code_list_choices(code_list: str, *, top_level: bool | None = None):
    """A callable giving the localised (code, label) choices of a code list."""
    from ..models import CodeItem

    def load():
        items = CodeItem.objects.of(code_list)
        if top_level is not None:
            items = items.filter(parent__isnull=top_level)
        return items.values_list("code", "name", "name_en")

    name = f"{code_list}:{top_level}"
    return lambda: localised(cached_rows(name, load))
