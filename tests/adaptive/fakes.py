"""A fake streaming engine whose samples pass with a per-prompt probability, decided by each sample's seed."""

from __future__ import annotations

import random
import re

import pyarrow as pa
import pyarrow.parquet as pq

from difficulty_filter.generation.records import Sample
from difficulty_filter.generation.stream import SampleStream


class CharTokenizer:
    """One token per character, so the engine can read the prompt back."""

    def apply_chat_template(self, messages, tokenize=False, add_generation_prompt=True, **kwargs):
        return " ".join(m["content"] for m in messages)

    def __call__(self, text, add_special_tokens=False):
        return {"input_ids": [ord(c) for c in text]}


class CoinEngine(SampleStream):
    """Sample text `\\boxed{1}` (right) with the prompt's probability `p=...`, else `\\boxed{0}`, from its seed
    alone; finished samples come back a few at a time in random order. Once `die_when()` is true, `poll` raises
    KeyboardInterrupt (a killed job). `submitted` counts the samples drawn."""

    capacity = 8

    def __init__(self, order_seed: int = 0, die_when=lambda: False):
        self.queue: list = []
        self.rng = random.Random(order_seed)
        self.die_when = die_when
        self.submitted = 0

    def submit(self, tag, token_ids, seed):
        self.submitted += 1
        p = float(re.search(r"p=([0-9.]+)", "".join(map(chr, token_ids))).group(1))
        passed = random.Random(seed).random() < p
        self.queue.append((tag, Sample(r"\boxed{1}" if passed else r"\boxed{0}", 3 if passed else 5, "stop")))

    def poll(self, timeout=0.5):
        if self.die_when():
            raise KeyboardInterrupt("job killed")
        self.rng.shuffle(self.queue)
        done, self.queue = self.queue[:3], self.queue[3:]
        return done

    def abort(self, tags):
        gone = set(tags)
        self.queue = [(t, s) for t, s in self.queue if t not in gone]

    @property
    def running(self):
        return len(self.queue)


def write_coin_dataset(path, probabilities) -> str:
    rows = [
        {
            "data_source": "math__coin",
            "prompt": [{"role": "user", "content": f"q{i} p={p}"}],
            "apply_chat_template": True,
            "reward_model": {"style": "rule", "ground_truth": "1"},
            "extra_info": {"index": i},
        }
        for i, p in enumerate(probabilities)
    ]
    pq.write_table(pa.Table.from_pylist(rows), path)
    return str(path)
