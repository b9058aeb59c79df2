"""Generate a small multi-domain verl dataset and a word-level tokenizer for trying `difficulty-filter prepare`.

    python benchmarks/prepare_demo.py OUT     # writes OUT/raw/<domain>__<name>.parquet and OUT/tokenizer/

Rows are deterministic (seed 0). Prompt lengths vary so that some rows exceed a 256-token limit; codegen rows carry up
to 30 stdin tests and a few over-long prompts; logic rows use unprefixed puzzle data_sources; table rows carry the HiTab
instruction; stem rows have raw_prompt; math rows have a `high_pass_rate` column for bucket quotas.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import numpy as np
import polars as pl

from difficulty_filter.prepare.patches import TABLE_INSTRUCTION

CHAT_TEMPLATE = (
    "{% for m in messages %}<|{{ m['role'] }}|> {{ m['content'] }} {% endfor %}"
    "{% if add_generation_prompt %}<|assistant|> {% endif %}"
)
RNG = np.random.default_rng(0)


def text(words: int) -> str:
    return " ".join(f"w{i % 97}" for i in range(words))


def row(data_source: str, content: str, index: int, ground_truth: str = "42", **extra) -> dict:
    return {
        "data_source": data_source,
        "prompt": [{"role": "user", "content": content}],
        "ability": "demo",
        "apply_chat_template": True,
        "reward_model": {"style": "rule", "ground_truth": ground_truth},
        "extra_info": {"split": "train", "index": index},
        **extra,
    }


def simple(data_source: str, n: int, suffix: str = "", **extra) -> list[dict]:
    return [
        row(data_source, f"{text(int(w))} {suffix}".strip(), i, **extra) for i, w in enumerate(RNG.integers(5, 400, n))
    ]


def codegen(n: int) -> list[dict]:
    rows = []
    for i in range(n):
        tests = int(RNG.integers(1, 31))
        truth = json.dumps(
            {"inputs": [f"{t}\n" for t in range(tests)], "outputs": [f"{2 * t}\n" for t in range(tests)]}
        )
        words = 6000 if i % 20 == 0 else int(RNG.integers(20, 300))
        rows.append(row("codegen__taco", f"{text(words)} Write Python code in a ```python``` block.", i, truth))
    return rows


def datasets() -> dict[str, list[dict]]:
    rates = RNG.integers(0, 17, 300) / 16
    math = [dict(r, high_pass_rate=float(p)) for r, p in zip(simple("math__dapo", 300), rates)]
    return {
        "math__dapo_300": math,
        "math__deepscaler_100": [dict(r, high_pass_rate=0.5) for r in simple("math__deepscaler", 100)],
        "codegen__taco_120": codegen(120),
        "logic__zebra_puzzle_dataset_80": simple("zebra_puzzle_dataset", 80),
        "logic__graph_logical_dataset_40": simple("graph_logical_dataset", 40),
        "logic__arcagi1_30": simple("simulation__arcagi1", 30),
        "table__hitab_60": simple("table__hitab", 60, suffix=TABLE_INSTRUCTION),
        "table__multihier_40": simple("table__multihier", 40, suffix="Answer in \\boxed{}."),
        "stem__web_70": [dict(r, raw_prompt=r["prompt"][0]["content"]) for r in simple("stem_web", 70)],
        "simulation__codeio_50": simple("simulation__codeio", 50),
    }


def tokenizer(path: Path) -> None:
    from tokenizers import Tokenizer, models, pre_tokenizers
    from transformers import PreTrainedTokenizerFast

    tok = Tokenizer(models.WordLevel({"[UNK]": 0}, unk_token="[UNK]"))
    tok.pre_tokenizer = pre_tokenizers.WhitespaceSplit()
    fast = PreTrainedTokenizerFast(tokenizer_object=tok, unk_token="[UNK]")
    fast.chat_template = CHAT_TEMPLATE
    fast.save_pretrained(path)


def main(out: Path) -> None:
    (out / "raw").mkdir(parents=True, exist_ok=True)
    for stem, rows in datasets().items():
        pl.DataFrame(rows).write_parquet(out / "raw" / f"{stem}.parquet")
    tokenizer(out / "tokenizer")
    print(f"wrote {out / 'raw'} and {out / 'tokenizer'}")


if __name__ == "__main__":
    main(Path(sys.argv[1]))
