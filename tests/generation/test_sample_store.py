"""The sample store: keyed by what fixes a sample's text (not n nor the adaptive settings), merged on save,
beside the resume cache at the results layout's path."""

from dataclasses import replace

from difficulty_filter.generation.inputs import Row
from difficulty_filter.generation.records import Sample
from difficulty_filter.generation.sample_store import SampleStore, store_key, text_settings
from difficulty_filter.generation.shard import default_store


def rows(*indices):
    return [Row(i, "math__t", [{"role": "user", "content": f"q{i}"}]) for i in indices]


def test_key_ignores_n_and_the_adaptive_settings_only(cfgs):
    model, sampling, prompts = cfgs
    key = store_key(text_settings(model, sampling, prompts), rows(0, 1))
    assert key == store_key(text_settings(model, replace(sampling, n=9, adaptive="exact"), prompts), rows(0, 1))
    for changed in (replace(sampling, temperature=0.3), replace(sampling, seed=8), replace(sampling, max_new_tokens=4)):
        assert key != store_key(text_settings(model, changed, prompts), rows(0, 1))
    assert key != store_key(text_settings(replace(model, path="other"), sampling, prompts), rows(0, 1))
    assert key != store_key(text_settings(model, sampling, prompts), rows(0, 2))


def test_save_merges_and_load_reads_back(tmp_path):
    store = SampleStore(tmp_path / "store")
    assert store.load("ab" * 32) == {}
    store.save("ab" * 32, {3: {0: Sample("a", 1, "stop")}})
    store.save("ab" * 32, {3: {1: Sample("b", 2, "length")}, 4: {0: Sample("c", 3, "stop")}})
    assert store.load("ab" * 32) == {
        3: {0: Sample("a", 1, "stop"), 1: Sample("b", 2, "length")},
        4: {0: Sample("c", 3, "stop")},
    }
    store.path("ab" * 32).write_bytes(b"torn")
    assert store.load("ab" * 32) == {}  # unreadable: drawn again
    assert SampleStore(None).load("ab" * 32) == {}


def test_a_caller_without_a_store_gets_one_beside_its_resume_cache(tmp_path):
    assert default_store(tmp_path / "cache") == f"{tmp_path / 'cache'}.samples"
