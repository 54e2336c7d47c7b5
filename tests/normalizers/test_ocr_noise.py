"""OCR-noise candidates: garbled tokens of a real accent-less scan (seed 001) reach
their true syllable within a couple of glyph confusions; numbers never do."""
from __future__ import annotations

import pytest

from normalizers import ocr_noise, syllables


def is_folded_syllable(folded: str) -> bool:
    return bool(syllables.marked_forms(folded))


# (OCR token folded, true syllable folded): from seed 001 against the printed letter.
SEED_001_GARBLES = [
    ("s6", "so"),  # S6:42 /KH-UBND = Số: 42/KH-UBND
    ("c6", "co"),  # c6 hiéu qua = có hiệu quả
    ("t6t", "tot"),  # t6t = tốt
    ("nwec", "nuoc"),  # nwéc = nước
    ("cir", "cu"),  # Can cir = Căn cứ
    ("tir", "tu"),  # tir 50% = từ 50%
    ("1anh", "lanh"),  # 1anh dao = lãnh đạo
    ("x&", "xa"),  # kinh té - x& hoi = kinh tế - xã hội
    ("k¥", "ky"),  # k¥ nang = kỹ năng
    ("ti€u", "tieu"),  # muc ti€u = mục tiêu
    ("dugc", "duoc"),  # dugc = được
    ("ctia", "cua"),  # ctia = của
    ("ndm", "nam"),  # ndm = năm
    ("dpoc", "doc"),  # DPoc lap = Độc lập
    ("pang", "dang"),  # Pang = Đảng
    ("phc", "phuc"),  # Hanh phc = Hạnh phúc
    ("nhiing", "nhung"),  # nhiing = những
    ("pha’n", "phan"),  # gop pha’n = góp phần
    ("cadch", "cach"),  # cai cadch = cải cách
]


@pytest.mark.parametrize("garbled, true", SEED_001_GARBLES)
def test_a_garbled_token_reaches_its_true_syllable(garbled: str, true: str) -> None:
    keys = [key for key, _ in ocr_noise.repair_candidates(garbled, is_folded_syllable)]
    assert true in keys


@pytest.mark.parametrize("number", ["2023", "42", "06", "0", "100"])
def test_numbers_have_no_candidates(number: str) -> None:
    assert ocr_noise.repair_candidates(number, is_folded_syllable) == ()


def test_cheaper_confusions_come_first() -> None:
    candidates = ocr_noise.repair_candidates("s6", is_folded_syllable)
    costs = [cost for _, cost in candidates]
    assert costs == sorted(costs) and candidates[0] == ("so", 1.0)


def test_a_valid_syllable_is_its_own_free_candidate() -> None:
    assert ("tren", 0.0) in ocr_noise.repair_candidates("tren", is_folded_syllable, 1)


@pytest.mark.parametrize("token, expected", [("s6", True), ("x&", True), ("k¥", True), ("nwéc", False), ("2023", False)])
def test_noise_glyphs_are_digits_or_symbols_inside_words(token: str, expected: bool) -> None:
    assert ocr_noise.has_noise_glyph(token) is expected


def test_every_confusion_rule_has_a_source_comment_and_known_fields() -> None:
    confusions = ocr_noise.load_confusions()
    assert confusions.substitutions and confusions.insertions
    text = ocr_noise.CONFUSIONS_PATH.read_text(encoding="utf-8")
    assert text.startswith("#") and "seed 001" in text
