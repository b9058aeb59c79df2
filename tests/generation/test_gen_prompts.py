import pytest

from difficulty_filter import config
from difficulty_filter.generation.prompts import PromptTooLong, prompt_limit, template_ids, truncate

from .gen_fakes import WordTokenizer

IDS = list(range(10))


def test_short_prompt_is_untouched():
    p = truncate(IDS, limit=10, max_prompt_length=10, mode="error")
    assert (p.token_ids, p.prompt_tokens, p.too_long, p.truncated) == (IDS, 10, False, False)


def test_left_keeps_the_end():
    p = truncate(IDS, limit=4, max_prompt_length=4, mode="left")
    assert p.token_ids == [6, 7, 8, 9] and p.prompt_tokens == 10 and p.too_long and p.truncated


def test_right_keeps_the_start():
    p = truncate(IDS, limit=4, max_prompt_length=4, mode="right")
    assert p.token_ids == [0, 1, 2, 3] and p.truncated


def test_error_raises_with_counts():
    with pytest.raises(PromptTooLong, match="10 tokens.*limit of 4"):
        truncate(IDS, limit=4, max_prompt_length=4, mode="error")


def test_context_limit_truncates_without_too_long_flag():
    # max_prompt_length allows it, but max_model_len - max_new_tokens does not
    p = truncate(IDS, limit=6, max_prompt_length=100, mode="left")
    assert p.token_ids == IDS[4:] and p.truncated and not p.too_long


def limit(max_model_len, max_new_tokens):
    return prompt_limit(
        config.section("model", {"path": "m", "max_model_len": max_model_len}),
        config.section("sampling", {"max_new_tokens": max_new_tokens}),
        config.section("prompts", {"max_prompt_length": 4096}),
    )


def test_prompt_limit_leaves_room_for_new_tokens():
    assert limit(None, 16) == 4096
    assert limit(1024, 1000) == 24
    with pytest.raises(ValueError, match="no room"):
        limit(100, 100)


def test_template_passes_chat_template_kwargs():
    msgs = [{"role": "user", "content": "hi there"}]
    assert (
        len(template_ids(WordTokenizer(), msgs, {"enable_thinking": True}))
        == len(template_ids(WordTokenizer(), msgs, {})) + 1
    )
