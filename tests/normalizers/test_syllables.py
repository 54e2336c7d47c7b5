"""The syllable inventory: real syllables in, damaged and foreign strings out."""
from pathlib import Path

import pytest

from normalizers.syllables import fold, inventory, is_syllable, marked_forms, syllable_tokens

CORPUS = Path(__file__).resolve().parents[2] / "normalizers" / "data" / "lm_corpus"


@pytest.mark.parametrize("token", [
    "tỉnh", "TỈNH", "Tỉnh", "việc", "Độc", "của", "Ủy", "uỷ", "quyết", "quốc", "giữ", "gìn",
    "nghiêng", "khuya", "khuỷu", "người", "hoà", "hòa", "thủy", "thuỷ", "yêu", "Đắk", "Lắk",
    "tánh", "các", "cài",  # valid syllables, even where a damaged file has them wrong
])
def test_real_syllables_are_valid(token):
    assert is_syllable(token)


@pytest.mark.parametrize("token", [
    "TàNH",  # case break from a font-map damaged header
    "vißc", "CÞNG", "Āy", "cāa", "Cÿc",  # font-map damage in seed 000
    "UBND", "QĐ", "NĐ",  # abbreviations
    "phỉt", "cỉc", "viộc",  # stop finals take only sắc/nặng; iô is no nucleus
    "ce", "ngi", "ghu", "ca\u0301c",  # spelling rules; NFD is not NFC
    "tonight", "",
])
def test_non_syllables_are_rejected(token):
    assert not is_syllable(token)


def test_fold_keeps_case_and_everything_else():
    assert fold("Độc lập - Tự do - Hạnh phúc") == "Doc lap - Tu do - Hanh phuc"
    assert fold("ß ¾ 42/KH-UBND") == "ß ¾ 42/KH-UBND"


def test_fold_of_nfd_equals_fold_of_nfc():
    import unicodedata
    text = "Ủy ban nhân dân tỉnh Kon Tum"
    assert fold(unicodedata.normalize("NFD", text)) == fold(text)


def test_marked_forms_are_valid_and_share_the_key():
    forms = marked_forms("ban")
    assert {"bàn", "bán", "bạn", "bản", "ban"} <= set(forms)
    assert all(fold(f) == "ban" and f in inventory() for f in forms)
    assert forms[0] == "ban"  # the most frequent reading in administrative letters


def test_marked_forms_of_a_non_syllable_is_empty():
    assert marked_forms("ubnd") == ()


def test_tokens_are_letter_runs_with_spans():
    text = "Số: 42/KH-UBND ngày 06 tháng 01"
    assert [(t, text[s:e]) for s, e, t in syllable_tokens(text)][:3] == [
        ("Số", "Số"), ("KH", "KH"), ("UBND", "UBND")]


def test_inventory_covers_the_corpus():
    """Lowercase marked words of the corpus are nearly all syllables (rest: typos, run-ons)."""
    words = bad = 0
    for path in sorted(CORPUS.glob("*/*.txt"))[::20]:
        for _, _, token in syllable_tokens(path.read_text(encoding="utf-8")):
            if token.islower() and not token.isascii():
                words += 1
                bad += not is_syllable(token)
    assert words > 10_000
    assert bad / words < 0.002
