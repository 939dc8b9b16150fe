"""Writing code-list items (字典项) from reference data: keyed by their stable code, so loading
again updates names in place and never duplicates an item."""

from ..models import CodeItem


def upsert_items(code_list: str, rows, parent: CodeItem | None = None) -> list[CodeItem]:
    """Create or update the items of one list (or of one parent within it).

    A row is ``(code, name, name_en)`` or ``(code, name, name_en, sort)``; without a sort the
    row order is kept, so a list reads the way it is written here.
    """
    items = []
    for position, (code, name, name_en, *sort) in enumerate(rows, start=1):
        item, _ = CodeItem.objects.update_or_create(
            code_list=code_list,
            code=code,
            defaults={
                "name": name,
                "name_en": name_en,
                "parent": parent,
                "sort": sort[0] if sort else position,
                "active": True,
            },
        )
        items.append(item)
    return items
