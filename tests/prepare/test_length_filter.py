import numpy as np
import pytest

from difficulty_filter.prepare.length_filter import PromptLengthFilter
from difficulty_filter.prepare.naming import PrepareError

from .helpers import templated_tokens


def user(words: int) -> list[dict]:
    return [{"role": "user", "content": " ".join(["w"] * words)}]


def test_counts_the_chat_templated_prompt_with_the_generation_prompt(tokenizer_dir):
    lengths = PromptLengthFilter(tokenizer_dir, 100)
    two_messages = [{"role": "system", "content": "a b"}, {"role": "user", "content": "c"}]
    counts = lengths.count([user(1), user(10), two_messages])
    assert counts.tolist() == [templated_tokens(1), templated_tokens(10), 3 + 2 + 3 + 1 + 3]


def test_keeps_rows_up_to_the_limit_minus_the_tolerance(tokenizer_dir):
    prompts = [user(4), user(5)]  # 10 and 11 tokens
    assert PromptLengthFilter(tokenizer_dir, 10).keep(prompts).tolist() == [True, False]
    assert PromptLengthFilter(tokenizer_dir, 11).keep(prompts).tolist() == [True, True]
    assert PromptLengthFilter(tokenizer_dir, 11, tolerance=1).keep(prompts).tolist() == [True, False]
    assert PromptLengthFilter(tokenizer_dir, 10).keep([]).dtype == np.bool_


def test_chat_template_kwargs_reach_the_template(tokenizer_dir):
    counts = PromptLengthFilter(tokenizer_dir, 10, chat_template_kwargs={"think": False}).count([user(1)])
    assert counts.tolist() == [templated_tokens(1) + 1]


def test_bad_tokenizer_folder_or_limits_are_clear_errors(tmp_path, tokenizer_dir):
    with pytest.raises(PrepareError, match="cannot load a tokenizer"):
        PromptLengthFilter(tmp_path / "missing", 10)
    with pytest.raises(PrepareError, match="must be >= 1"):
        PromptLengthFilter(tokenizer_dir, 100, tolerance=100)


def test_a_tokenizer_without_chat_template_is_rejected(tmp_path, tokenizer_dir):
    from transformers import AutoTokenizer

    tokenizer = AutoTokenizer.from_pretrained(str(tokenizer_dir), local_files_only=True)
    tokenizer.chat_template = None
    tokenizer.save_pretrained(tmp_path)
    (tmp_path / "chat_template.jinja").unlink(missing_ok=True)
    with pytest.raises(PrepareError, match="no chat template"):
        PromptLengthFilter(tmp_path, 10)
