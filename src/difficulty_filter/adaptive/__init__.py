"""Adaptive sampling: draw only as many samples per prompt as the filter's decision needs.

A model decides one or both filter sides (`low`: drop if pass rate <= t, `high`: drop if >= t). After m of
the n samples, k passes (and e infra outcomes left out of the pass rate), the full-n pass rate can still
take only values in a known range (`Tally.rate_range`). `exact` stops a prompt once every value in that
range gives the same decision, so decisions equal a full-n run with the same samples; `confidence` also
stops once a Wilson or Jeffreys interval lies on one side. A cascade runs the models one after another and
skips, for a later model, the prompts an earlier one already dropped.
"""

from .cascade import cascade_order
from .record import PromptRecord
from .rules import DROP, KEEP, StopRule
from .sides import Side
from .tally import Tally

__all__ = ["DROP", "KEEP", "PromptRecord", "Side", "StopRule", "Tally", "cascade_order"]
