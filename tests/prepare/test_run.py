import json

import polars as pl
import pyarrow.parquet as pq
import pytest

from difficulty_filter.dataset import DatasetError
from difficulty_filter.prepare.bucket_quotas import parse_quotas
from difficulty_filter.prepare.length_filter import PromptLengthFilter
from difficulty_filter.prepare.naming import PrepareError
from difficulty_filter.prepare.run import METADATA_KEY, DomainJob, prepare

from .helpers import row, rows, stdin_truth, write


def settings(tmp_path, domain="math", **kwargs) -> DomainJob:
    return DomainJob(domain=domain, output_dir=tmp_path / "out", **kwargs)


def indices(path) -> list[int]:
    return [e["index"] for e in pl.read_parquet(path)["extra_info"].to_list()]


def test_quotas_use_post_filter_sizes_and_outputs_follow_the_original_names(tmp_path, tokenizer_dir):
    # a: 30 rows, 10 of them too long; b: 20 rows. Pre-filter sizes would split 20 as 12/8, post-filter as 10/10.
    a = write(
        tmp_path / "in" / "math__a_30.parquet", rows("math__a", 20, words=3) + rows("math__a", 10, words=50, start=20)
    )
    b = write(tmp_path / "in" / "math__b_20.parquet", rows("math__b", 20, words=3))
    lengths = PromptLengthFilter(tokenizer_dir, 20)
    summary = prepare([a, b], settings(tmp_path, target_sample_size=20, length_filter=lengths, batch_rows=7))
    out = tmp_path / "out"
    assert sorted(p.name for p in out.iterdir()) == [
        "math__a_30_sampled_10.parquet",
        "math__b_20_sampled_10.parquet",
        "math_summary.json",
    ]
    assert json.loads((out / "math_summary.json").read_text()) == summary
    assert [
        (f["rows_input"], f["rows_after_length_filter"], f["quota"], f["rows_sampled"]) for f in summary["files"]
    ] == [(30, 20, 10, 10), (20, 20, 10, 10)]
    assert summary["totals"] == {"rows_input": 50, "rows_after_length_filter": 40, "rows_sampled": 20, "shortfall": 0}
    picked = indices(out / "math__a_30_sampled_10.parquet")
    assert picked == sorted(picked) and max(picked) < 20 and len(set(picked)) == 10
    metadata = json.loads(pq.read_schema(out / "math__a_30_sampled_10.parquet").metadata[METADATA_KEY.encode()])
    assert metadata["source"] == str(a) and metadata["rows"] == 10


def test_same_seed_same_output_other_seed_other_sample(tmp_path):
    source = write(tmp_path / "math__a.parquet", rows("math__a", 50))
    runs = [
        prepare([source], DomainJob("math", tmp_path / name, target_sample_size=10, seed=seed))
        for name, seed in (("x", 1), ("y", 1), ("z", 2))
    ]
    x, y, z = (indices(tmp_path / name / "math__a_sampled_10.parquet") for name in "xyz")
    assert x == y and x != z and runs[0] == runs[1]


def test_target_minus_one_takes_everything_and_a_short_target_takes_all_and_says_so(tmp_path):
    a = write(tmp_path / "math__a.parquet", rows("math__a", 3))
    b = write(tmp_path / "math__b.parquet", rows("math__b", 1))
    everything = prepare([a, b], settings(tmp_path, target_sample_size=-1))
    assert [f["rows_sampled"] for f in everything["files"]] == [3, 1]
    short = prepare([a, b], settings(tmp_path, target_sample_size=10))
    assert [(f["quota"], f["rows_sampled"], f["shortfall"]) for f in short["files"]] == [(8, 3, 5), (2, 1, 1)]
    assert short["totals"]["shortfall"] == 6
    assert [p.name for p in (tmp_path / "out").glob("*.tmp")] == []


def test_patches_reach_the_written_files(tmp_path):
    logic = write(tmp_path / "logic__zebra_puzzle_dataset_5.parquet", rows("zebra_puzzle_dataset", 5))
    prepare([logic], settings(tmp_path, "logic"))
    assert set(
        pl.read_parquet(tmp_path / "out" / "logic__zebra_puzzle_dataset_5_sampled_5.parquet")["data_source"]
    ) == {"logic__zebra_puzzle_dataset"}
    code = write(
        tmp_path / "codegen__taco_2.parquet",
        [row("codegen__taco", "p", stdin_truth(12)), row("codegen__taco", "p", stdin_truth(2), index=1)],
    )
    summary = prepare([code], settings(tmp_path, "codegen"))
    truths = [
        json.loads(r["ground_truth"])
        for r in pl.read_parquet(tmp_path / "out" / "codegen__taco_2_sampled_2.parquet")["reward_model"].to_list()
    ]
    assert [len(t["inputs"]) for t in truths] == [8, 2] and len(truths[0]["complete_inputs"]) == 12
    assert summary["files"][0]["patched_input_rows"] == {"prompt_cut": 0, "tests_trimmed": 1}


def test_empty_sample_still_writes_a_readable_file(tmp_path):
    source = write(tmp_path / "math__a.parquet", rows("math__a", 4))
    prepare([source], settings(tmp_path, target_sample_size=0))
    written = pl.read_parquet(tmp_path / "out" / "math__a_sampled_0.parquet")
    assert written.height == 0 and "prompt" in written.columns


def annotated(tmp_path):
    rates = [0.0] * 3 + [0.3] * 10 + [0.5] * 10 + [0.7] * 2 + [None] * 5
    data = [dict(r, high_pass_rate=p) for r, p in zip(rows("math__a", len(rates)), rates)]
    for i, r in enumerate(data):
        r["extra_info"]["index"] = i
    return write(tmp_path / "math__a.parquet", data)


def test_bucket_quotas_hit_the_target_mix_and_report_shortfalls(tmp_path):
    source = annotated(tmp_path)
    quotas = parse_quotas('{"Hard": 0.4, "Medium": 0.4, "Easy": 0.2}')
    summary = prepare(
        [source], settings(tmp_path, target_sample_size=10, bucket_quotas=quotas, pass_rate_column="high_pass_rate")
    )
    report = summary["files"][0]["bucket_quotas"]
    assert {k: (v["quota"], v["sampled"]) for k, v in report["buckets"].items()} == {
        "Hard": (4, 4),
        "Medium": (4, 4),
        "Easy": (2, 2),
    }
    assert report["rows_without_pass_rate"] == 5
    rates = pl.read_parquet(tmp_path / "out" / "math__a_sampled_10.parquet")["high_pass_rate"].to_list()
    assert sorted(rates) == [0.3] * 4 + [0.5] * 4 + [0.7] * 2

    short = prepare(
        [source],
        settings(
            tmp_path, target_sample_size=20, bucket_quotas=parse_quotas({"Easy": 1}), pass_rate_column="high_pass_rate"
        ),
    )
    assert short["files"][0]["bucket_quotas"]["buckets"]["Easy"] == {
        "available": 2,
        "quota": 20,
        "sampled": 2,
        "shortfall": 18,
    }
    assert short["totals"]["shortfall"] == 18


@pytest.mark.parametrize(
    "quotas, problem",
    [
        ('{"Hardish": 1}', "unknown bucket"),
        ('{"Hard": -1}', ">= 0"),
        ('{"Hard": 0}', "not all be 0"),
        ("[1]", "JSON object"),
        ("{", "not valid JSON"),
    ],
)
def test_bad_bucket_quotas_are_rejected(quotas, problem):
    with pytest.raises(PrepareError, match=problem):
        parse_quotas(quotas)


def test_pass_rate_outside_zero_one_names_the_row(tmp_path):
    data = [dict(r, p=0.5) for r in rows("math__a", 3)]
    data[2]["p"] = 1.5
    source = write(tmp_path / "math__a.parquet", data)
    with pytest.raises(DatasetError, match=r"math__a\.parquet, row 2, field 'p'"):
        prepare(
            [source],
            settings(tmp_path, target_sample_size=2, bucket_quotas=parse_quotas({"Hard": 1}), pass_rate_column="p"),
        )


def test_bad_inputs_name_the_file_row_and_field(tmp_path):
    data = rows("math__a", 10)
    data[8]["prompt"] = []
    source = write(tmp_path / "math__a.parquet", data)
    with pytest.raises(DatasetError, match=r"math__a\.parquet, row 8, field 'prompt'"):
        prepare([source], settings(tmp_path, batch_rows=3))
    no_prompt = write(tmp_path / "math__b.parquet", [{"data_source": "math__b", "reward_model": {"ground_truth": "1"}}])
    with pytest.raises(DatasetError, match=r"math__b\.parquet, field 'prompt': required column"):
        prepare([no_prompt], settings(tmp_path))
    with pytest.raises(DatasetError, match="file not found"):
        prepare([tmp_path / "math__missing.parquet"], settings(tmp_path))
    stem = write(tmp_path / "stem__web.parquet", rows("stem_web", 5, raw_prompt="q") + rows("stem_web", 1))
    with pytest.raises(DatasetError, match=r"stem__web\.parquet, row 5, field 'raw_prompt'"):
        prepare([stem], settings(tmp_path, "stem", batch_rows=2))


def test_bad_settings_are_rejected_before_any_work(tmp_path):
    a = write(tmp_path / "x" / "math__a.parquet", rows("math__a", 2))
    b = write(tmp_path / "y" / "math__a.parquet", rows("math__a", 2))
    with pytest.raises(PrepareError, match="after '__' must differ"):
        prepare([a, b], settings(tmp_path))
    with pytest.raises(PrepareError, match="'<domain>__<name>'"):
        prepare([write(tmp_path / "plain.parquet", rows("math", 1))], settings(tmp_path))
    with pytest.raises(PrepareError, match="need a target"):
        prepare([a], settings(tmp_path, bucket_quotas=parse_quotas({"Hard": 1}), pass_rate_column="p"))
    with pytest.raises(PrepareError, match="-1 \\(all\\) or >= 0"):
        prepare([a], settings(tmp_path, target_sample_size=-5))
    assert not (tmp_path / "out").exists()


def test_an_empty_input_file_gives_an_empty_sample(tmp_path):
    source = tmp_path / "math__empty.parquet"
    pl.DataFrame(rows("math__a", 1)).clear().write_parquet(source)
    summary = prepare([source], settings(tmp_path, target_sample_size=5))
    assert summary["totals"] == {"rows_input": 0, "rows_after_length_filter": 0, "rows_sampled": 0, "shortfall": 5}
    assert pl.read_parquet(tmp_path / "out" / "math__empty_sampled_0.parquet").height == 0
