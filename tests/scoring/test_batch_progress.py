"""score_batch_file reports each scored response to a Progress and the outcome counts to the file's footer."""

import json

import polars as pl

from difficulty_filter import atomic, config
from difficulty_filter.results.progress import DONE, Progress
from difficulty_filter.scoring.batch_file import OUTCOME_COUNTS_KEY, score_batch_file


def test_progress_and_outcome_counts(tmp_path):
    data = tmp_path / "d.parquet"
    pl.DataFrame(
        {
            "data_source": ["math__t"] * 2,
            "prompt": [[{"role": "user", "content": "1+1"}]] * 2,
            "reward_model": [{"style": "rule", "ground_truth": "2"}] * 2,
            "extra_info": [{"index": 0}, {"index": 1}],
        }
    ).write_parquet(data)
    gens = tmp_path / "gens.parquet"
    pl.DataFrame(
        {
            "row_index": [0, 0, 1],
            "sample_index": [0, 1, 0],
            "response": ["The answer is \\boxed{2}.", "\\boxed{3}", "\\boxed{2}"],
            "response_tokens": [5, 3, 3],
            "finish_reason": ["stop"] * 3,
            "prompt_tokens": [4] * 3,
            "too_long": [False] * 3,
            "prompt_truncated": [False] * 3,
        },
        schema_overrides={"sample_index": pl.Int32, "response_tokens": pl.Int32},
    ).write_parquet(gens)
    out, record = tmp_path / "rewards.parquet", tmp_path / "progress.json"
    with Progress(record, interval=3600) as progress:
        counts = score_batch_file(gens, data, (0, 2), out, config.section("reward", {"workers": 1}), progress)
    assert counts == {"correct": 2, "wrong": 1} == atomic.read_metadata(out, OUTCOME_COUNTS_KEY)
    done = json.loads(record.read_text())
    assert (done["state"], done["phase"], done["prompts"], done["responses"], done["responses_total"]) == (
        DONE,
        "scoring",
        2,
        3,
        3,
    )
