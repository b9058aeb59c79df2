import json

import polars as pl
import pytest

from difficulty_filter.dataset import DatasetError
from difficulty_filter.prepare.naming import PrepareError
from difficulty_filter.prepare.patches import (
    CUT_MARKER,
    TABLE_INSTRUCTION,
    TABLE_INSTRUCTION_REFINED,
    PatchOptions,
    apply,
    trim_ground_truth,
)

from .helpers import row, stdin_truth

OPTIONS = PatchOptions(seed=42)


def frame(*data: dict) -> pl.DataFrame:
    return pl.DataFrame(list(data))


def test_logic_prefix_is_added_by_data_source_and_is_idempotent():
    sources = [
        "zebra_puzzle_dataset",
        "ordering_puzzle_dataset",
        "graph_logical_dataset",
        "logic__zebra_puzzle_dataset",
        "simulation__arcagi1",
    ]
    df, changed = apply(frame(*(row(s, "q") for s in sources)), "logic", OPTIONS, "f.parquet")
    expected = [
        "logic__zebra_puzzle_dataset",
        "logic__ordering_puzzle_dataset",
        "logic__graph_logical_dataset",
        "logic__zebra_puzzle_dataset",
        "simulation__arcagi1",
    ]
    assert df["data_source"].to_list() == expected
    assert changed == {"data_source_prefixed": 3}
    again, changed = apply(df, "logic", OPTIONS, "f.parquet")
    assert again["data_source"].to_list() == expected and changed == {"data_source_prefixed": 0}


def test_logic_patch_only_runs_for_the_logic_domain():
    df, changed = apply(frame(row("zebra_puzzle_dataset", "q")), "math", OPTIONS, "f.parquet")
    assert df["data_source"].to_list() == ["zebra_puzzle_dataset"] and changed == {}


def test_table_instruction_is_refined_in_user_messages_keeping_the_message_list():
    hitab = row("table__hitab", f"| a | b |\nWhat? {TABLE_INSTRUCTION}")
    hitab["prompt"] = [{"role": "system", "content": f"sys {TABLE_INSTRUCTION}"}] + hitab["prompt"]
    multihier = row("table__multihier", "Answer in \\boxed{}.")
    hitab_out, multihier_out = apply(frame(hitab, multihier), "table", OPTIONS, "f.parquet")[0]["prompt"].to_list()
    assert hitab_out == [
        {"role": "system", "content": f"sys {TABLE_INSTRUCTION}"},
        {"role": "user", "content": f"| a | b |\nWhat? {TABLE_INSTRUCTION_REFINED}"},
    ]
    assert multihier_out == multihier["prompt"]


def test_stem_question_comes_from_raw_prompt():
    df, changed = apply(
        frame(row("stem_web", "sys text q1", raw_prompt="q1"), row("stem_web", "q2", raw_prompt="q2")),
        "stem",
        OPTIONS,
        "f.parquet",
    )
    assert [e["question"] for e in df["extra_info"].to_list()] == ["q1", "q2"]
    assert df["extra_info"].to_list()[0]["index"] == 0 and changed == {"question_set": 2}


def test_stem_without_raw_prompt_is_an_error_naming_file_row_and_field():
    with pytest.raises(DatasetError, match=r"stem\.parquet, row 11, field 'raw_prompt'"):
        apply(
            frame(row("stem_web", "q", raw_prompt="q"), row("stem_web", "q", raw_prompt=None)),
            "stem",
            OPTIONS,
            "stem.parquet",
            offset=10,
        )
    with pytest.raises(DatasetError, match=r"stem\.parquet, field 'raw_prompt'.*column"):
        apply(frame(row("stem_web", "q")), "stem", OPTIONS, "stem.parquet")


def test_stem_keeps_an_existing_question_where_raw_prompt_is_null():
    data = row("stem_web", "q", raw_prompt=None)
    data["extra_info"]["question"] = "kept"
    assert apply(frame(data), "stem", OPTIONS, "f.parquet")[0]["extra_info"].to_list()[0]["question"] == "kept"


def test_codegen_keeps_eight_tests_in_order_with_the_complete_lists_written_back():
    df, changed = apply(
        frame(
            row("codegen__taco", "p", stdin_truth(20)),
            row("codegen__taco", "p", stdin_truth(3)),
            row("codegen__leetcode2k", "p", json.dumps({"functional": "assert f(1) == 2"})),
        ),
        "codegen",
        OPTIONS,
        "f.parquet",
    )
    truths = [r["ground_truth"] for r in df["reward_model"].to_list()]
    trimmed = json.loads(truths[0])
    assert len(trimmed["inputs"]) == 8 and trimmed["complete_inputs"] == [f"{i}\n" for i in range(20)]
    kept = [int(s) for s in trimmed["inputs"]]
    assert kept == sorted(kept) and trimmed["outputs"] == [f"{2 * i}\n" for i in kept]
    assert trimmed["complete_outputs"] == [f"{2 * i}\n" for i in range(20)]
    assert truths[1] == stdin_truth(3) and json.loads(truths[2]) == {"functional": "assert f(1) == 2"}
    assert changed == {"prompt_cut": 0, "tests_trimmed": 1}
    assert trim_ground_truth(stdin_truth(20), OPTIONS, "f", 0) == truths[0]  # deterministic
    assert trim_ground_truth(stdin_truth(20), PatchOptions(seed=7), "f", 0) != truths[0]  # seeded
    assert apply(df, "codegen", OPTIONS, "f.parquet")[1]["tests_trimmed"] == 0  # idempotent


@pytest.mark.parametrize(
    "truth, problem",
    [
        ("{not json", "not valid JSON"),
        (json.dumps({"inputs": ["1"], "outputs": []}), "same length"),
        (None, "is null"),
    ],
)
def test_bad_codegen_ground_truth_is_an_error_naming_file_row_and_field(truth, problem):
    with pytest.raises(DatasetError, match=rf"c\.parquet, row 5, field 'reward_model\.ground_truth': .*{problem}"):
        apply(
            frame(row("codegen__taco", "p", stdin_truth(2)), row("codegen__taco", "p", truth)),
            "codegen",
            OPTIONS,
            "c.parquet",
            offset=4,
        )


def test_codegen_long_prompts_are_cut_in_the_middle_keeping_the_trailing_instructions():
    long = "START " + "x" * 500 + " Write the code in ```python```."
    data = row("codegen__taco", long)
    data["prompt"] = [{"role": "system", "content": "s" * 300}] + data["prompt"]
    df, changed = apply(
        frame(data, row("codegen__taco", "short")), "codegen", PatchOptions(max_prompt_chars=100), "f.parquet"
    )
    (system, cut), (short,) = df["prompt"].to_list()
    assert system["content"] == "s" * 300
    assert len(cut["content"]) == 100 and CUT_MARKER in cut["content"]
    assert cut["content"].startswith("START ") and cut["content"].endswith("Write the code in ```python```.")
    assert short["content"] == "short" and changed["prompt_cut"] == 1


def test_patch_options_are_validated():
    with pytest.raises(PrepareError):
        PatchOptions(max_tests=0)
    with pytest.raises(PrepareError):
        PatchOptions(max_prompt_chars=5)


def test_math_and_simulation_rows_are_unchanged():
    original = frame(row("math__dapo", "q"), row("simulation__codeio", "q"))
    for domain in ("math", "simulation"):
        df, changed = apply(original, domain, OPTIONS, "f.parquet")
        assert df.equals(original) and changed == {}
