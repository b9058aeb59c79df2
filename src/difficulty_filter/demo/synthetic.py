"""Synthetic datasets with ready-made responses (for `engine: file`), for soak runs and crash tests.

`write(dataset, rollouts, rows, n)` writes a verl dataset of `rows` prompts spread over domains with cheap
verifiers (math, multiple choice, table, three logic puzzles, codeio; codegen rows, which run in the sandbox,
only at `code_share`) and n responses per prompt. Each prompt gets its own chance of a correct response, so
pass rates cover every difficulty bucket; wrong responses give a wrong answer or none. Everything follows
`seed`. Rollouts go to a generations Parquet file (matched by row_index), or to a `score`-format JSONL file
(matched by data_source and id) when the name ends in `.jsonl`.
"""

from __future__ import annotations

import contextlib
import json
import random
from collections.abc import Callable
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from .. import atomic
from ..generation.records import SCHEMA

BOXED = " Please output the final answer within \\boxed{}."
NAMES = ("Ada", "Ben", "Cleo", "Dan", "Eve", "Finn")
#: Rows written at a time (bounds memory at any size).
CHUNK_ROWS = 5_000
#: Per-prompt chances of a correct response: heavy at both ends, like real difficulty.
PASS_CHANCES = (0.0, 0.0, 0.05, 0.2, 0.4, 0.6, 0.8, 0.95, 1.0, 1.0)
#: What a domain's builder returns: prompt text, ground truth, response(correct: bool).
Task = tuple[str, str, Callable[[bool], str]]


def _math(rng: random.Random) -> Task:
    a, b = rng.randint(1, 999), rng.randint(1, 999)
    return f"What is {a} + {b}?" + BOXED, str(a + b), lambda ok: f"{a} + {b} = \\boxed{{{a + b if ok else a + b + 1}}}"


def _choice(rng: random.Random) -> Task:
    letter = rng.choice("ABCD")
    other = "ABCD"[("ABCD".index(letter) + 1) % 4]
    return (
        "Which option is right?\nA) one\nB) two\nC) three\nD) four\nAnswer with the letter in \\boxed{}.",
        letter,
        lambda ok: f"The answer is \\boxed{{{letter if ok else other}}}.",
    )


def _table(rng: random.Random) -> Task:
    years = rng.sample(range(1990, 2024), 3)
    sales = rng.sample(range(1, 99), 3)
    best = years[sales.index(max(sales))]
    table = "| Year | Sales |\n|---|---|\n" + "".join(f"| {y} | {s} |\n" for y, s in zip(years, sales))
    return (
        table + "In which year were sales highest?" + BOXED,
        str(best),
        lambda ok: f"\\boxed{{{best if ok else best + 1}}}",
    )


def _ordering(rng: random.Random) -> Task:
    order = rng.sample(NAMES, 3)
    return (
        "Order the people by height, tallest first. Answer in <answer></answer>.",
        json.dumps(order),
        lambda ok: f"<answer>{json.dumps(order if ok else order[::-1])}</answer>",
    )


def _graph(rng: random.Random) -> Task:
    path = "".join(rng.choice("abcdefgh") for _ in range(5))
    return (
        "Find the path from the first to the last node. Answer in <answer></answer>.",
        path,
        lambda ok: f"<answer>{path if ok else path[::-1] + 'x'}</answer>",
    )


def _zebra(rng: random.Random) -> Task:
    people = rng.sample(NAMES, 2)
    truth = {"header": ["Position", "Name"], "rows": [["1", people[0]], ["2", people[1]]]}
    wrong = {"header": ["Position", "Name"], "rows": [["1", people[1]], ["2", people[0]]]}
    return (
        "Who stands where? Answer with the table in <answer></answer>.",
        json.dumps(truth),
        lambda ok: f"<answer>{json.dumps(truth if ok else wrong)}</answer>",
    )


def _codeio(rng: random.Random) -> Task:
    x = rng.randint(1, 500)
    return (
        f'Given `def f(x): return x * 2`, what is f({x})? Answer with JSON like {{"output": <value>}} in a '
        "```json block.",
        json.dumps({"output": 2 * x}),
        lambda ok: f"```json\n{json.dumps({'output': 2 * x if ok else 2 * x + 1})}\n```",
    )


SUM_CODE = "a, b = map(int, input().split())\nprint(a + b)\n"


def _codegen(rng: random.Random) -> Task:
    tests = json.dumps({"inputs": ["1 2\n", "10 5\n"], "outputs": ["3\n", "15\n"]})
    return (
        "Read two integers and print their sum. Write a Python program in a ```python code block.",
        tests,
        lambda ok: "```python\n" + (SUM_CODE if ok else SUM_CODE.replace("a + b", "a - b")) + "```",
    )


#: (data_source, builder) of the cheap domains, in the order rows cycle through them.
CHEAP = (
    ("math__synthetic", _math),
    ("stem__gpqa", _choice),
    ("table__hitab", _table),
    ("logic__ordering_puzzle_dataset", _ordering),
    ("logic__graph_logical_dataset", _graph),
    ("logic__zebra_puzzle_dataset", _zebra),
    ("simulation__codeio", _codeio),
)


MESSAGES = pa.list_(pa.struct([("role", pa.string()), ("content", pa.string())]))
DATASET_SCHEMA = pa.schema(
    [
        ("data_source", pa.string()),
        ("prompt", MESSAGES),
        ("ability", pa.string()),
        ("apply_chat_template", pa.bool_()),
        ("reward_model", pa.struct([("style", pa.string()), ("ground_truth", pa.string())])),
        ("extra_info", pa.struct([("split", pa.string()), ("index", pa.int64()), ("reference", pa.string())])),
    ]
)
#: The generations columns a file of rollouts needs (prompt token counts are optional there).
ROLLOUTS_SCHEMA = pa.schema(
    [
        SCHEMA.field(name)
        for name in ("row_index", "data_source", "sample_index", "response", "response_tokens", "finish_reason")
    ]
)


def write(dataset: str | Path, rollouts: str | Path, rows: int, n: int, seed: int = 0, code_share: float = 0.0) -> None:
    """Write the dataset and its rollouts (both atomically)."""
    rng = random.Random(seed)
    jsonl = str(rollouts).endswith(".jsonl")
    with atomic.atomic_path(dataset) as data_tmp, atomic.atomic_path(rollouts) as roll_tmp:
        data_writer = roll_writer = None
        with open(roll_tmp, "w", encoding="utf-8") if jsonl else contextlib.nullcontext() as lines:
            for start in range(0, rows, CHUNK_ROWS):
                data, responses = _chunk(rng, start, min(start + CHUNK_ROWS, rows), n, code_share)
                data_writer = data_writer or pq.ParquetWriter(data_tmp, data.schema)
                data_writer.write_table(data)
                if jsonl:
                    lines.writelines(
                        json.dumps({"id": r["row_index"], "data_source": r["data_source"], "response": r["response"]})
                        + "\n"
                        for r in responses
                    )
                else:
                    table = pa.Table.from_pylist(responses, schema=ROLLOUTS_SCHEMA)
                    roll_writer = roll_writer or pq.ParquetWriter(roll_tmp, table.schema)
                    roll_writer.write_table(table)
        data_writer.close()
        if roll_writer:
            roll_writer.close()


def _chunk(rng: random.Random, start: int, stop: int, n: int, code_share: float) -> tuple[pa.Table, list[dict]]:
    data, responses = [], []
    for index in range(start, stop):
        source, build = ("codegen__synthetic", _codegen) if rng.random() < code_share else CHEAP[index % len(CHEAP)]
        prompt, truth, respond = build(rng)
        extra = {"split": "train", "index": index, "reference": SUM_CODE if source.startswith("codegen") else None}
        data.append(
            {
                "data_source": source,
                "prompt": [{"role": "user", "content": prompt}],
                "ability": source.split("__")[0],
                "apply_chat_template": True,
                "reward_model": {"style": "rule", "ground_truth": truth},
                "extra_info": extra,
            }
        )
        chance = rng.choice(PASS_CHANCES)
        for j in range(n):
            roll = rng.random()
            text = respond(roll < chance) if roll < chance or roll < 0.9 else "I am not sure."
            responses.append(
                {
                    "row_index": index,
                    "data_source": source,
                    "sample_index": j,
                    "response": text,
                    "response_tokens": len(text.split()),
                    "finish_reason": "stop",
                }
            )
    return pa.Table.from_pylist(data, schema=DATASET_SCHEMA), responses
