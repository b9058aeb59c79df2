"""Per-domain row patches, chosen by the domain (and the row's data_source), never by file-name substrings.

- logic: unprefixed puzzle data_sources (`zebra_puzzle…`, `ordering_puzzle…`, `graph…`) get the `logic__` prefix
  the verifiers route on; already prefixed rows are left alone, so the patch is idempotent.
- table: the HiTab answer instruction is replaced by the refined single-box sentence in user messages; the prompt stays
  the same message list.
- stem: `extra_info.question` = the `raw_prompt` column (an existing `extra_info.question` is kept where `raw_prompt` is
  null); a row with neither is an error.
- codegen: user messages longer than `max_prompt_chars` characters are cut in the middle: the first quarter of the
  budget and the last three quarters are kept around CUT_MARKER, so the trailing instructions survive; stdin/stdout
  ground truths with more than `max_tests` tests keep `max_tests` of them (seeded, original order) and the complete
  lists under `complete_inputs`/`complete_outputs`, written back to `reward_model.ground_truth`.
"""

from __future__ import annotations

import json
import random
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import polars as pl

from ..dataset import DatasetError
from .naming import PrepareError

LOGIC_PUZZLE_PREFIXES = ("zebra_puzzle", "ordering_puzzle", "graph")
TABLE_INSTRUCTION = (
    "Please output the final answer within \\boxed{}. If there are multiple answers, please output them separated by |."
)
TABLE_INSTRUCTION_REFINED = (
    "Please output the final answer in \\boxed{}. "
    "If there are multiple answers, include them in a single box, separated by |."
)
CUT_MARKER = "\n...\n"
GROUND_TRUTH = "reward_model.ground_truth"


@dataclass(frozen=True)
class PatchOptions:
    seed: int = 42
    max_tests: int = 8
    max_prompt_chars: int = 4096 * 5

    def __post_init__(self):
        if self.max_tests < 1:
            raise PrepareError(f"codegen max tests must be >= 1, got {self.max_tests}")
        if self.max_prompt_chars < 4 * len(CUT_MARKER):
            raise PrepareError(
                f"codegen max prompt chars must be >= {4 * len(CUT_MARKER)}, got {self.max_prompt_chars}"
            )


def apply(
    frame: pl.DataFrame, domain: str, options: PatchOptions, path: str | Path, offset: int = 0
) -> tuple[pl.DataFrame, dict[str, int]]:
    """Patched frame and the number of rows each patch changed; `offset` is the frame's first row in `path`."""
    if domain == "logic":
        return _logic(frame)
    if domain == "table":
        return _table(frame)
    if domain == "stem":
        return _stem(frame, path, offset)
    if domain == "codegen":
        frame, cut = _cut_prompts(frame, options.max_prompt_chars)
        frame, trimmed = _trim_tests(frame, options, path, offset)
        return frame, {**cut, **trimmed}
    return frame, {}


def _logic(frame: pl.DataFrame) -> tuple[pl.DataFrame, dict[str, int]]:
    source = pl.col("data_source")
    unprefixed = pl.any_horizontal(source.str.starts_with(p) for p in LOGIC_PUZZLE_PREFIXES).fill_null(False)
    count = int(frame.select(unprefixed.sum()).item())
    prefixed = pl.when(unprefixed).then(pl.lit("logic__") + source).otherwise(source)
    frame = frame.with_columns(prefixed.alias("data_source"))
    return frame, {"data_source_prefixed": count}


def _user_contents(update: Callable[[pl.Expr], pl.Expr]) -> pl.Expr:
    """`prompt` with `update` applied to the content of every user message."""
    message = pl.element().struct
    is_user = message.field("role") == "user"
    content = message.field("content")
    return pl.col("prompt").list.eval(
        message.with_fields(pl.when(is_user).then(update(content)).otherwise(content).alias("content"))
    )


def _any_user_content(test: Callable[[pl.Expr], pl.Expr]) -> pl.Expr:
    message = pl.element().struct
    return pl.col("prompt").list.eval((message.field("role") == "user") & test(message.field("content"))).list.any()


def _table(frame: pl.DataFrame) -> tuple[pl.DataFrame, dict[str, int]]:
    count = int(frame.select(_any_user_content(lambda c: c.str.contains(TABLE_INSTRUCTION, literal=True)).sum()).item())
    frame = frame.with_columns(
        _user_contents(lambda c: c.str.replace_all(TABLE_INSTRUCTION, TABLE_INSTRUCTION_REFINED, literal=True))
    )
    return frame, {"instruction_refined": count}


def _stem(frame: pl.DataFrame, path: str | Path, offset: int) -> tuple[pl.DataFrame, dict[str, int]]:
    if "extra_info" not in frame.columns or not isinstance(frame.schema["extra_info"], pl.Struct):
        raise DatasetError(path, None, "extra_info", "stem rows need an extra_info struct column")
    sources = [pl.col("raw_prompt").cast(pl.String)] if "raw_prompt" in frame.columns else []
    if "question" in {f.name for f in frame.schema["extra_info"].fields}:
        sources.append(pl.col("extra_info").struct.field("question").cast(pl.String))
    if not sources:
        raise DatasetError(
            path, None, "raw_prompt", "stem rows need a raw_prompt column (copied to extra_info.question)"
        )
    question = pl.coalesce(sources)
    missing = frame.select(question.is_null().arg_true()).to_series()
    if len(missing):
        raise DatasetError(
            path,
            offset + int(missing[0]),
            "raw_prompt",
            "is null and extra_info.question is not set; stem rows need the question text",
        )
    frame = frame.with_columns(pl.col("extra_info").struct.with_fields(question.alias("question")))
    return frame, {"question_set": frame.height}


def _cut_prompts(frame: pl.DataFrame, max_chars: int) -> tuple[pl.DataFrame, dict[str, int]]:
    head = max_chars // 4
    tail = max_chars - head - len(CUT_MARKER)
    count = int(frame.select(_any_user_content(lambda c: c.str.len_chars() > max_chars).sum()).item())
    frame = frame.with_columns(
        _user_contents(
            lambda c: (
                pl.when(c.str.len_chars() > max_chars)
                .then(pl.concat_str([c.str.slice(0, head), pl.lit(CUT_MARKER), c.str.slice(-tail)]))
                .otherwise(c)
            )
        )
    )
    return frame, {"prompt_cut": count}


def _trim_tests(
    frame: pl.DataFrame, options: PatchOptions, path: str | Path, offset: int
) -> tuple[pl.DataFrame, dict[str, int]]:
    dtype = frame.schema["reward_model"]
    if not isinstance(dtype, pl.Struct) or "ground_truth" not in {f.name for f in dtype.fields}:
        raise DatasetError(path, None, GROUND_TRUTH, f"missing (reward_model is {dtype})")
    truths = frame["reward_model"].struct.field("ground_truth")
    if truths.dtype != pl.String:
        raise DatasetError(path, None, GROUND_TRUTH, f"codegen ground truths must be JSON strings, not {truths.dtype}")
    values = truths.to_list()
    patched = [trim_ground_truth(gt, options, path, offset + i) for i, gt in enumerate(values)]
    count = sum(new is not None for new in patched)
    if count:
        merged = pl.Series(
            "ground_truth", [old if new is None else new for old, new in zip(values, patched)], dtype=pl.String
        )
        frame = frame.with_columns(pl.col("reward_model").struct.with_fields(pl.lit(merged)))
    return frame, {"tests_trimmed": count}


def trim_ground_truth(text: str | None, options: PatchOptions, path: str | Path, row: int) -> str | None:
    """The trimmed ground-truth JSON, or None when the row is left unchanged (functional tests, <= max_tests tests)."""
    if text is None:
        raise DatasetError(path, row, GROUND_TRUTH, "is null")
    try:
        truth = json.loads(text)
    except json.JSONDecodeError as exc:
        raise DatasetError(path, row, GROUND_TRUTH, f"is not valid JSON ({exc})") from None
    if not isinstance(truth, dict) or not truth.get("inputs"):
        return None
    inputs, outputs = truth["inputs"], truth.get("outputs")
    if not isinstance(inputs, list) or not isinstance(outputs, list) or len(inputs) != len(outputs):
        raise DatasetError(path, row, GROUND_TRUTH, "'inputs' and 'outputs' must be lists of the same length")
    if len(inputs) <= options.max_tests:
        return None
    keep = sorted(random.Random(f"{options.seed}\0{text}").sample(range(len(inputs)), options.max_tests))
    truth.update(
        inputs=[inputs[i] for i in keep],
        outputs=[outputs[i] for i in keep],
        complete_inputs=inputs,
        complete_outputs=outputs,
    )
    return json.dumps(truth, ensure_ascii=False)
