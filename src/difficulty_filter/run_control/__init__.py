"""Run control for `difficulty-filter run` and `status`: the run lock, leftover processes, where a run stands."""
