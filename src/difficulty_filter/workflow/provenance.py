"""How the numbers of a run were made: recorded in the annotated and filtered files' metadata."""

from __future__ import annotations

from .. import __version__
from ..generation.requests import triggers as generation_triggers
from ..index import triggers as index_triggers
from ..scoring.batch_file import triggers as reward_triggers
from ..settings import Settings


def provenance(settings: Settings) -> dict:
    """Every setting that shaped the pass rates (the upstream stages' rerun triggers) plus the package version."""
    return {
        "package": __version__,
        "models": {
            name: generation_triggers(model, settings.sampling, settings.prompts)
            for name, model in settings.models.items()
        },
        "reward": reward_triggers(settings.reward),
        "index": index_triggers(settings.filter, settings.reward),
    }
