"""The row index: one cheap pass over a dataset that validates every row and gives each its id.

Every later stage takes a row's id, domain and verifier from here; nobody else computes a row id.
"""

from .build import INDEX_COLUMNS, build_index, triggers, write_index
from .read import RowIndex, index_of, read_index
from .row_id import ID_KEYS, row_id

__all__ = [
    "ID_KEYS",
    "INDEX_COLUMNS",
    "RowIndex",
    "build_index",
    "index_of",
    "read_index",
    "row_id",
    "triggers",
    "write_index",
]
