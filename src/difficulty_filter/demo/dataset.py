"""Build the demo dataset: verl-layout rows, mostly easy arithmetic, plus a few rows of other domains."""

from __future__ import annotations

import json
import random
from pathlib import Path

import pyarrow as pa

from .. import atomic

BOXED = " Please output the final answer within \\boxed{}."
MATH_SUFFIX = " Put the final answer in \\boxed{}."
#: Two worked examples as earlier chat turns: a 135M model then answers in the boxed format it is graded on.
MATH_SHOTS = (
    ("What is 1 + 1?", "1 + 1 = 2. The answer is \\boxed{2}."),
    ("What is 6 - 2?", "6 - 2 = 4. The answer is \\boxed{4}."),
)


def _math_messages(question: str) -> list[dict]:
    messages = []
    for shot_q, shot_a in MATH_SHOTS:
        messages += [{"role": "user", "content": shot_q + MATH_SUFFIX}, {"role": "assistant", "content": shot_a}]
    return messages + [{"role": "user", "content": question + MATH_SUFFIX}]


def _row(data_source: str, content: str | list, ground_truth: str, index: int, ability: str, **extra) -> dict:
    messages = content if isinstance(content, list) else [{"role": "user", "content": content}]
    return {
        "data_source": data_source,
        "prompt": messages,
        "ability": ability,
        "apply_chat_template": True,
        "reward_model": {"style": "rule", "ground_truth": ground_truth},
        "extra_info": {"split": "train", "index": index, "reference": extra.get("reference")},
    }


def _math_rows(rng: random.Random, count: int) -> list[tuple[str, str]]:
    rows = []
    for i in range(count):
        a, b = rng.randint(1, 9 if i < count // 2 else 60), rng.randint(1, 9 if i < count // 2 else 60)
        kind = i % 4
        if kind == 0:
            rows.append((f"What is {a} + {b}?", str(a + b)))
        elif kind == 1:
            rows.append((f"What is {a} times {b}?", str(a * b)))
        elif kind == 2:
            rows.append((f"Tom has {a} apples and buys {b} more. How many apples does he have now?", str(a + b)))
        else:
            hi, lo = max(a, b), min(a, b)
            rows.append((f"What is {hi} - {lo}?", str(hi - lo)))
    return rows


def _other_rows() -> list[tuple[str, str, str, str, dict]]:
    table = "| Year | Sales |\n|---|---|\n| 2019 | 12 |\n| 2020 | 15 |\n| 2021 | 9 |\n"
    sum_code = "a, b = map(int, input().split())\nprint(a + b)\n"
    tests = json.dumps({"inputs": ["1 2\n", "10 5\n"], "outputs": ["3\n", "15\n"]})
    return [
        ("table__hitab", f"{table}\nIn which year were sales highest?" + BOXED, "2020", "table", {}),
        ("table__hitab", f"{table}\nWhat were the sales in 2021?" + BOXED, "9", "table", {}),
        (
            "stem__gpqa",
            "Which planet is closest to the Sun?\nA) Venus\nB) Mercury\nC) Mars\nD) Earth\n"
            "Answer with the letter in \\boxed{}.",
            "B",
            "stem",
            {},
        ),
        (
            "stem__gpqa",
            "What is the chemical symbol of water?\nA) CO2\nB) O2\nC) H2O\nD) NaCl\n"
            "Answer with the letter in \\boxed{}.",
            "C",
            "stem",
            {},
        ),
        (
            "codegen__taco",
            "Read two integers from standard input and print their sum. "
            "Write a Python program in a ```python code block.",
            tests,
            "codegen",
            {"reference": sum_code},
        ),
        (
            "simulation__codeio",
            "Given the function `def f(x): return x * 2`, what is the output for x = 21? "
            'Answer with JSON like {"output": <value>} in a ```json block.',
            '"output": 42',
            "simulation",
            {},
        ),
    ]


def build(path: str | Path, n_math: int = 34, seed: int = 0) -> Path:
    """Write the demo dataset (n_math arithmetic rows + 6 rows of other domains) to `path`."""
    rng = random.Random(seed)
    rows = [
        _row("math__arithmetic", _math_messages(q), a, i, "math") for i, (q, a) in enumerate(_math_rows(rng, n_math))
    ]
    for j, (source, content, truth, ability, extra) in enumerate(_other_rows()):
        rows.append(_row(source, content, truth, n_math + j, ability, **extra))
    atomic.write_parquet(path, pa.Table.from_pylist(rows))
    return Path(path)
