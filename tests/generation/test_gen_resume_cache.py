import os

from difficulty_filter.generation.inputs import Row
from difficulty_filter.generation.records import SCHEMA, write_batch
from difficulty_filter.generation.resume_cache import ResumeCache, batch_key

SETTINGS = {"model": {"path": "m"}, "sampling": {"n": 4, "seed": 0}, "prompts": {"max_prompt_length": 10}}
ROWS = [
    Row(0, "math__x", [{"role": "user", "content": "1+1"}]),
    Row(1, "math__x", [{"role": "user", "content": "2+2"}]),
]


def test_key_is_stable_and_sensitive():
    key = batch_key(SETTINGS, ROWS)
    assert key == batch_key({k: dict(v) for k, v in SETTINGS.items()}, list(ROWS))
    changed = [
        batch_key({**SETTINGS, "sampling": {"n": 4, "seed": 1}}, ROWS),
        batch_key({**SETTINGS, "model": {"path": "other"}}, ROWS),
        batch_key(SETTINGS, ROWS[:1]),
        batch_key(SETTINGS, [ROWS[0], Row(1, "math__x", [{"role": "user", "content": "2+3"}])]),
        batch_key(SETTINGS, [ROWS[0], Row(1, "math__y", ROWS[1].messages)]),
        batch_key(SETTINGS, [ROWS[0], Row(2, "math__x", ROWS[1].messages)]),
    ]
    assert key not in changed and len(set(changed)) == len(changed)


def test_store_and_restore_survive_output_deletion(tmp_path):
    cache = ResumeCache(tmp_path / "cache")
    out = tmp_path / "out.parquet"
    key = batch_key(SETTINGS, ROWS)
    assert not cache.restore(key, out)
    write_batch(str(out), SCHEMA.empty_table(), {"cache_key": key})
    cache.store(key, out)
    os.unlink(out)
    assert cache.restore(key, out) and out.exists()


def test_foreign_or_torn_entries_are_ignored(tmp_path):
    cache = ResumeCache(tmp_path / "cache")
    key = batch_key(SETTINGS, ROWS)
    cache.path(key).parent.mkdir(parents=True)
    cache.path(key).write_bytes(b"PAR1 torn")
    assert not cache.restore(key, tmp_path / "out.parquet")
    write_batch(str(cache.path(key)), SCHEMA.empty_table(), {"cache_key": "something else"})
    assert not cache.restore(key, tmp_path / "out.parquet")
    assert not (tmp_path / "out.parquet").exists()
