"""Unified social credit codes: check character, validation, normalisation, demo codes."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError

from kechuang.registry.domain.uscc import (
    CHARSET,
    WEIGHTS,
    check_character,
    is_valid_uscc,
    make_uscc,
    normalise_uscc,
    organisation_check_character,
    validate_uscc,
)

REPO_ROOT = Path(__file__).resolve().parents[2]

VECTORS = (
    "91110000710926094P",
    "914403001922038216",
    "9144030071526726XG",
    "91310000631696382C",
    "91440300708461136T",
)

# Characters a code can never hold: lower case, the excluded capitals, punctuation, spaces,
# full-width and other look-alikes.
DISALLOWED = (
    tuple("abcdefghijklmnopqrstuvwxyz")
    + tuple("IOSVZ")
    + ("-", " ", "\u3000", "*", "０", "Ａ", "\u0391", "\u0410", "\u00e9")
)


def _validation_error(value: str) -> ValidationError:
    with pytest.raises(ValidationError) as caught:
        validate_uscc(value)
    return caught.value


def test_charset_has_31_distinct_characters_without_i_o_s_v_z():
    assert len(CHARSET) == 31
    assert len(set(CHARSET)) == 31
    assert set(CHARSET) & set("IOSVZ") == set()


def test_weights_are_powers_of_three_modulo_31():
    expected = tuple(pow(3, i, 31) for i in range(17))

    assert expected == WEIGHTS


@pytest.mark.parametrize("code", VECTORS)
def test_known_codes_are_valid(code):
    assert is_valid_uscc(code) is True


@pytest.mark.parametrize("code", VECTORS)
def test_check_character_of_known_codes(code):
    assert check_character(code[:17]) == code[17]


@pytest.mark.parametrize("code", VECTORS)
def test_organisation_check_character_of_known_codes(code):
    assert organisation_check_character(code[8:16]) == code[16]


@pytest.mark.parametrize("code", VECTORS)
def test_every_substitution_from_the_charset_fails(code):
    accepted = []

    for position in range(len(code)):
        for replacement in CHARSET:
            if replacement == code[position]:
                continue
            changed = code[:position] + replacement + code[position + 1 :]
            if is_valid_uscc(changed):
                accepted.append(changed)

    assert accepted == []


@pytest.mark.parametrize("code", VECTORS)
def test_every_substitution_with_a_disallowed_character_fails(code):
    accepted = []

    for position in range(len(code)):
        for replacement in DISALLOWED:
            changed = code[:position] + replacement + code[position + 1 :]
            if is_valid_uscc(changed):
                accepted.append(changed)

    assert accepted == []


@pytest.mark.parametrize("code", [code for code in VECTORS if not code.isdigit()])
def test_lower_case_code_fails(code):
    assert is_valid_uscc(code.lower()) is False


@pytest.mark.parametrize("code", VECTORS)
def test_every_deletion_fails(code):
    accepted = [
        code[:position] + code[position + 1 :]
        for position in range(len(code))
        if is_valid_uscc(code[:position] + code[position + 1 :])
    ]

    assert accepted == []


@pytest.mark.parametrize("code", VECTORS)
def test_every_insertion_fails(code):
    accepted = []

    for position in range(len(code) + 1):
        for inserted in CHARSET:
            changed = code[:position] + inserted + code[position:]
            if is_valid_uscc(changed):
                accepted.append(changed)

    assert accepted == []


@pytest.mark.parametrize("code", VECTORS)
def test_every_adjacent_swap_within_the_first_17_characters_fails(code):
    accepted = []

    for position in range(16):
        if code[position] == code[position + 1]:
            continue
        swapped = code[:position] + code[position + 1] + code[position] + code[position + 2 :]
        if is_valid_uscc(swapped):
            accepted.append(swapped)

    assert accepted == []


@pytest.mark.parametrize("value", ["", "9111", VECTORS[0] + " ", None, 911100007109260940])
def test_is_valid_uscc_rejects_wrong_length_and_non_strings(value):
    assert is_valid_uscc(value) is False


@pytest.mark.parametrize(
    "first17", ["", "9111000071092609", "911100007109260944", "9111000071092609I"]
)
def test_check_character_rejects_wrong_length_or_characters(first17):
    with pytest.raises(ValueError):
        check_character(first17)


def test_make_uscc_gives_valid_distinct_codes_for_100000_seeds():
    codes = [make_uscc(seed) for seed in range(100_000)]

    invalid = [code for code in codes if not is_valid_uscc(code)]

    assert invalid == []
    assert len(set(codes)) == 100_000


def test_make_uscc_is_deterministic_and_uses_the_given_prefix():
    code = make_uscc(123_456, registration_authority="5", kind="2", region="110105")

    assert code == make_uscc(123_456, registration_authority="5", kind="2", region="110105")
    assert code[:8] == "52110105"
    assert code[8:16] == "00123456"
    assert is_valid_uscc(code) is True


def test_make_uscc_default_prefix_is_an_enterprise_in_haining():
    assert make_uscc(1)[:8] == "91330482"


def test_make_uscc_body_is_a_valid_organisation_code():
    code = make_uscc(7_654_321)

    assert organisation_check_character(code[8:16]) == code[16]


@pytest.mark.parametrize("seed", [0, 1, 1_999_999, 99_999_999])
def test_make_uscc_accepts_seeds_in_range(seed):
    assert is_valid_uscc(make_uscc(seed)) is True


@pytest.mark.parametrize("seed", [-1, 100_000_000, True, 1.0, "1"])
def test_make_uscc_rejects_bad_seeds(seed):
    with pytest.raises(ValueError):
        make_uscc(seed)


@pytest.mark.parametrize(
    "options",
    [{"registration_authority": "I"}, {"kind": "10"}, {"region": "33048"}, {"region": "33O482"}],
)
def test_make_uscc_rejects_bad_prefix_parts(options):
    with pytest.raises(ValueError):
        make_uscc(1, **options)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("91110000710926094P", "91110000710926094P"),
        ("91110000710926094p", "91110000710926094P"),
        ("９１１１００００７１０９２６０９４Ｐ", "91110000710926094P"),
        ("９１１１００００７１０９２６０９４ｐ", "91110000710926094P"),
        ("  9111 0000\u3000710926094P\t\n", "91110000710926094P"),
        ("\ufeff91110000710926094P\u200b", "91110000710926094P"),
        ("9144030071526726xg", "9144030071526726XG"),
    ],
)
def test_normalise_uscc(raw, expected):
    assert normalise_uscc(raw) == expected


def test_normalise_uscc_keeps_wrong_characters_wrong():
    assert normalise_uscc("9111000071O926094P") == "9111000071O926094P"


@pytest.mark.parametrize("code", VECTORS)
def test_validate_uscc_accepts_valid_codes(code):
    assert validate_uscc(code) is None


@pytest.mark.parametrize(
    ("value", "length"),
    [("", 0), ("9111000071092609", 16), ("91110000710926094PX", 19)],
)
def test_validate_uscc_reports_wrong_length(value, length):
    error = _validation_error(value)

    assert error.code == "invalid_uscc"
    assert error.params == {"length": length}


@pytest.mark.parametrize(
    ("value", "character", "position"),
    [
        ("91110000710926094p", "p", 18),
        ("9111000071O926094P", "O", 11),
        ("I1110000710926094P", "I", 1),
        ("9111 000710926094P", " ", 5),
        ("911100007109260９4P", "９", 16),
    ],
)
def test_validate_uscc_reports_the_first_disallowed_character(value, character, position):
    error = _validation_error(value)

    assert error.code == "invalid_uscc"
    assert error.params == {"character": character, "position": position}


@pytest.mark.parametrize(
    ("value", "expected", "actual"),
    [
        ("91110000710926094Q", "P", "Q"),
        ("91110000710926095P", "T", "P"),
        ("9144030071526726XH", "G", "H"),
    ],
)
def test_validate_uscc_reports_the_expected_check_character(value, expected, actual):
    error = _validation_error(value)

    assert error.code == "invalid_uscc"
    assert error.params == {"expected": expected, "actual": actual}


def test_plain_functions_work_without_django_settings():
    script = (
        "from kechuang.registry.domain.uscc import check_character, is_valid_uscc, make_uscc\n"
        "assert is_valid_uscc(make_uscc(42))\n"
        "print(check_character('91110000710926094'))\n"
    )
    environment = {k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"}

    result = subprocess.run(
        [sys.executable, "-c", script],
        capture_output=True,
        text=True,
        env=environment,
        cwd=REPO_ROOT,
        check=False,
    )

    assert (result.returncode, result.stdout, result.stderr) == (0, "P\n", "")
