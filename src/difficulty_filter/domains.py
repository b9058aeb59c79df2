"""Domains: the six of the original (its prepare step's folders) and the domain of a data_source."""

from __future__ import annotations

import polars as pl

#: The original's domains, in its order.
DOMAINS = ("math", "codegen", "simulation", "logic", "table", "stem")
#: Unprefixed data_source names (the original's logic puzzles and WebInstruct) -> domain.
UNPREFIXED = (("zebra_puzzle", "logic"), ("ordering_puzzle", "logic"), ("graph", "logic"), ("stem_web", "stem"))
OTHER = "other"


def domain_of(data_source: str) -> str:
    """`math__aime` -> `math`; `zebra_puzzle_dataset` -> `logic`; `stem_web` -> `stem`; else `other`."""
    if "__" in data_source:
        return data_source.split("__", 1)[0]
    for prefix, domain in UNPREFIXED:
        if data_source.startswith(prefix):
            return domain
    return OTHER


def with_domain(frame: pl.DataFrame, source: str = "data_source") -> pl.DataFrame:
    """`frame` plus a `domain` column derived from its `source` column."""
    mapping = {s: domain_of(s) for s in frame[source].unique().drop_nulls().to_list()}
    return frame.with_columns(domain=pl.col(source).replace_strict(mapping, default=OTHER, return_dtype=pl.String))
