"""The GB/T 4754-2017 sections (门类) and divisions (大类) shipped as JSON."""

import json
from pathlib import Path

import pytest

DATA_FILE = (
    Path(__file__).resolve().parents[2] / "kechuang" / "registry" / "data" / "gbt4754_2017.json"
)

# Division ranges of each section, as the standard lays them out.
SECTION_RANGES = {
    "A": (1, 5),
    "B": (6, 12),
    "C": (13, 43),
    "D": (44, 46),
    "E": (47, 50),
    "F": (51, 52),
    "G": (53, 60),
    "H": (61, 62),
    "I": (63, 65),
    "J": (66, 69),
    "K": (70, 70),
    "L": (71, 72),
    "M": (73, 75),
    "N": (76, 79),
    "O": (80, 82),
    "P": (83, 83),
    "Q": (84, 85),
    "R": (86, 90),
    "S": (91, 96),
    "T": (97, 97),
}


@pytest.fixture(scope="module")
def sections():
    return json.loads(DATA_FILE.read_text(encoding="utf-8"))


def _divisions(sections):
    return [division for section in sections for division in section["divisions"]]


def test_there_are_20_sections_a_to_t_in_order(sections):
    codes = [section["code"] for section in sections]

    assert codes == list(SECTION_RANGES)


def test_there_are_97_divisions_01_to_97_in_order(sections):
    codes = [division["code"] for division in _divisions(sections)]

    assert codes == [f"{number:02d}" for number in range(1, 98)]


def test_division_codes_are_unique(sections):
    codes = [division["code"] for division in _divisions(sections)]

    assert len(set(codes)) == 97


def test_each_division_is_two_digits_within_its_section_range(sections):
    misplaced = []

    for section in sections:
        low, high = SECTION_RANGES[section["code"]]
        for division in section["divisions"]:
            code = division["code"]
            if not (len(code) == 2 and code.isdigit() and low <= int(code) <= high):
                misplaced.append((section["code"], code))

    assert misplaced == []


def test_each_section_holds_its_whole_range(sections):
    counts = {section["code"]: len(section["divisions"]) for section in sections}

    assert counts == {code: high - low + 1 for code, (low, high) in SECTION_RANGES.items()}


def test_every_entry_has_exactly_the_expected_keys_and_non_empty_names(sections):
    section_keys = {tuple(sorted(section)) for section in sections}
    division_keys = {tuple(sorted(division)) for division in _divisions(sections)}
    blank = [
        entry["code"]
        for entry in [*sections, *_divisions(sections)]
        if not entry["name"].strip() or not entry["name_en"].strip()
    ]

    assert section_keys == {("code", "divisions", "name", "name_en")}
    assert division_keys == {("code", "name", "name_en")}
    assert blank == []


@pytest.mark.parametrize(
    ("code", "name"),
    [
        ("05", "农、林、牧、渔专业及辅助性活动"),
        ("39", "计算机、通信和其他电子设备制造业"),
        ("65", "软件和信息技术服务业"),
        ("73", "研究和试验发展"),
        ("75", "科技推广和应用服务业"),
        ("96", "基层群众自治组织及其他组织"),
    ],
)
def test_sample_division_names(sections, code, name):
    names = {division["code"]: division["name"] for division in _divisions(sections)}

    assert names[code] == name


def test_section_names(sections):
    names = {section["code"]: section["name"] for section in sections}

    assert names["M"] == "科学研究和技术服务业"
    assert names["I"] == "信息传输、软件和信息技术服务业"
