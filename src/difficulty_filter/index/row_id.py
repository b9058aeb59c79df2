"""A row's id: the one definition (extra_info index/idx/id, or the row's position)."""

from __future__ import annotations

from typing import Any

#: extra_info keys that hold a row's own id, in the original `map`'s lookup order.
ID_KEYS = ("index", "idx", "id")


def row_id(extra_info: Any, position: int, key_by: str) -> str | None:
    """str(extra_info[index|idx|id]) (first present, non-null) for key_by "id", the position for "position".

    None when key_by is "id" and the row has no id (the caller names the row in its error).
    """
    if key_by == "position":
        return str(position)
    if isinstance(extra_info, dict):
        for key in ID_KEYS:
            value = extra_info.get(key)
            if value is not None:
                return str(value)
    return None
