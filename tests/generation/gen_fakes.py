"""Fakes shared by the generation tests: a word-level tokenizer, a fake engine, a tiny verl dataset."""

from __future__ import annotations

import pyarrow as pa
import pyarrow.parquet as pq

from difficulty_filter.generation.records import Sample


class WordTokenizer:
    """One token per whitespace-separated word; the 'chat template' wraps the messages in markers."""

    def apply_chat_template(self, messages, tokenize=False, add_generation_prompt=True, **kwargs):
        think = " <think>" if kwargs.get("enable_thinking") else ""
        body = " ".join(f"<{m['role']}> {m['content']}" for m in messages)
        return body + (" <assistant>" + think if add_generation_prompt else "")

    def __call__(self, text, add_special_tokens=False):
        return {"input_ids": [len(w) for w in text.split()]}


class FakeEngine:
    """Answers every prompt with one sample per seed requested (n unless some were stored), echoing the prompt
    length and the seed."""

    def __init__(self, n, die_after=None):
        self.n = n
        self.die_after = die_after
        self.batches_seen = 0

    def generate(self, batches):
        for b, requests in enumerate(batches):
            if self.batches_seen == self.die_after:
                raise KeyboardInterrupt("job killed")
            self.batches_seen += 1
            yield (
                b,
                [
                    [Sample(f"len={len(r.token_ids)} seed={seed}", 2 + j, "stop") for j, seed in enumerate(r.seeds)]
                    for r in requests
                ],
            )


def write_dataset(path, n_rows, words=3, with_ids=True):
    rows = [
        {
            "data_source": "math__demo",
            "prompt": [{"role": "user", "content": " ".join(["w"] * words) + f" q{i}"}],
            "apply_chat_template": True,
            "reward_model": {"style": "rule", "ground_truth": str(i)},
            "extra_info": {"split": "train", "index": 1000 + i} if with_ids else {"split": "train"},
        }
        for i in range(n_rows)
    ]
    pq.write_table(pa.Table.from_pylist(rows), path, row_group_size=4)
    return str(path)
