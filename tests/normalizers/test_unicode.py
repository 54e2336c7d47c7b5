"""Unicode hygiene: NFC, invisible characters, look-alikes, and the tone-placement key.

Single lines live in tests/cases/encodings.yaml (run by test_legacy_fonts.py).
"""
from __future__ import annotations

import unicodedata
from pathlib import Path

import pytest

from normalizers import normalize_text
from normalizers import unicode as uni

ROOT = Path(__file__).parents[2]
CORPUS = sorted((ROOT / "normalizers" / "data" / "lm_corpus").rglob("*.txt"))


def test_nfd_corpus_documents_come_back_exactly():
    for path in CORPUS[::25]:
        text = path.read_text(encoding="utf-8")
        result = normalize_text(unicodedata.normalize("NFD", text))
        assert result.text == normalize_text(text).text, path.name
        assert "nfc" in result.repair_names


def test_clean_corpus_has_no_invisible_characters_and_stays_nfc():
    for path in CORPUS:
        text = path.read_text(encoding="utf-8")
        assert not uni.needs_nfc(text) and not uni.has_invisible_chars(text), path.name


def test_bom_inside_text_from_joined_files_is_removed():
    joined = "Kính gửi: Sở Nội vụ\n\ufeffCỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
    assert normalize_text(joined).text == "Kính gửi: Sở Nội vụ\nCỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"


def test_nbsp_between_number_and_unit_becomes_a_space():
    assert uni.remove_invisible_chars("đạt 95\u00a0%; 1.200\u202fha") == "đạt 95 %; 1.200 ha"


@pytest.mark.parametrize("a, b", [
    ("Ủy ban nhân dân tỉnh Khánh Hòa", "Uỷ ban nhân dân tỉnh Khánh Hoà"),
    ("Thủy lợi", "Thuỷ lợi"),
    ("hòe", "hoè"),
    ("Quý", "Quý"),
    ("khỏe", "khoẻ"),
])
def test_tone_key_equates_old_and_new_placement(a, b):
    assert uni.tone_key(a) == uni.tone_key(b)


@pytest.mark.parametrize("text, key", [
    ("Uỷ ban", "Ủy ban"),          # open uy: tone on the first vowel (old style)
    ("hoà", "hòa"),
    ("hoàng", "hoàng"),            # final consonant: on the last vowel
    ("thuyết", "thuyết"),          # quality-marked vowel wins
    ("người", "người"),            # ươ: on ơ
    ("giữa", "giữa"),              # gi- onset
    ("quả", "quả"),                # qu- onset
    ("khuỷu", "khuỷu"),            # three vowels: the middle one
    ("gì", "gì"),
])
def test_tone_key_places_marks_by_the_old_style_rule(text, key):
    assert uni.tone_key(text) == key


def test_tone_key_leaves_abbreviations_and_foreign_words():
    assert uni.tone_key("UBND tỉnh Kon Tum, café, NĐ-CP") == "UBND tỉnh Kon Tum, café, NĐ-CP"


def test_tone_key_never_changes_clean_corpus_text_other_than_placement():
    for path in CORPUS[::40]:
        text = path.read_text(encoding="utf-8")
        key = uni.tone_key(text)
        assert len(key) == len(text)
        # only tone marks move: the letters without tones are the same
        strip = lambda s: "".join(c for c in unicodedata.normalize("NFD", s) if c not in "\u0300\u0301\u0303\u0309\u0323")
        assert strip(key) == strip(text)
