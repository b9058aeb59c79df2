"""A sample's text does not depend on how the work is cut: one seeded request per sample on the real vLLM
CPU engine (SmolLM2-135M) gives sample j of a prompt the same text whether all samples run together, in
later rounds beside other prompts, or after an abort of its neighbours. Slow: `pytest -m vllm`."""

import pytest

from difficulty_filter import config
from difficulty_filter.generation.engines import open_engine
from difficulty_filter.generation.prompts import load_tokenizer, template_ids
from difficulty_filter.generation.seeds import sample_seed

pytestmark = pytest.mark.vllm
pytest.importorskip("vllm")


def drain(engine, wanted):
    got = {}
    while len(got) < wanted:
        got.update(engine.poll())
    return got


def test_sample_text_is_the_same_in_one_round_or_split(smollm2_dir):
    model = config.section(
        "model",
        {
            "path": str(smollm2_dir),
            "dtype": "float32",
            "max_model_len": 512,
            "gpus_per_job": 0,
            "gpu_memory_utilization": 0.2,
            "enforce_eager": True,
        },
    )
    sampling = config.section("sampling", {"n": 4, "temperature": 1.0, "max_new_tokens": 16, "seed": 5})
    tokenizer = load_tokenizer(model)
    prompts = [
        template_ids(tokenizer, [{"role": "user", "content": q}], {})
        for q in ("What is 17 + 25?", "Name a prime larger than 50.")
    ]
    seed = lambda row, j: sample_seed(sampling.seed, row, j)  # noqa: E731
    with open_engine(model, sampling, tokenizer, None) as (engine, _):
        for row in (0, 1):
            for j in range(4):
                engine.submit(("together", row, j), prompts[row], seed(row, j))
        together = drain(engine, 8)
        engine.submit(("split", 0, 3), prompts[0], seed(0, 3))  # round 1: last sample first, with company
        engine.submit(("split", 1, 0), prompts[1], seed(1, 0))
        engine.submit(("gone", 1, 1), prompts[1], seed(1, 1))
        engine.abort([("gone", 1, 1)])
        split = drain(engine, 2)
        for j in (1, 0, 2):  # round 2, in another order
            engine.submit(("split", 0, j), prompts[0], seed(0, j))
        split.update(drain(engine, 3))
    assert len(split) == 5 and ("gone", 1, 1) not in split
    for (_, row, j), sample in split.items():
        assert sample.text == together[("together", row, j)].text, (row, j)
    texts = [together[("together", 0, j)].text for j in range(4)]
    assert len(set(texts)) > 1  # four seeds, not one stream
