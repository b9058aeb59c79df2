import pytest

from difficulty_filter.prepare.naming import PrepareError, check_domain, name_part, output_name, size_suffix


@pytest.mark.parametrize(
    "size, suffix",
    [
        (0, "0"),
        (7, "7"),
        (440, "440"),
        (999, "999"),
        (1000, "1k"),
        (1300, "1.3k"),
        (2000, "2k"),
        (54400, "54.4k"),
        (1960, "2.0k"),  # the original's add_suffix quirk is kept: one decimal unless whole thousands
    ],
)
def test_size_suffix_follows_the_original(size, suffix):
    assert size_suffix(size) == suffix


def test_output_name_uses_the_part_after_the_first_double_underscore():
    assert (
        output_name("logic", "logic__zebra_puzzle_dataset_1.3k", 5)
        == "logic__zebra_puzzle_dataset_1.3k_sampled_5.parquet"
    )
    assert output_name("logic", "simulation__arcagi1_111", 1500) == "logic__arcagi1_111_sampled_1.5k.parquet"
    assert name_part("a__b__c") == "b__c"


@pytest.mark.parametrize("stem", ["nounderscore", "__x", "x__", "a_b"])
def test_stem_without_domain_separator_is_rejected(stem):
    with pytest.raises(PrepareError, match=stem):
        name_part(stem)


def test_unknown_domain_is_rejected():
    with pytest.raises(PrepareError, match="unknown domain 'chemistry'"):
        check_domain("chemistry")
