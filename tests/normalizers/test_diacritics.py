"""Diacritic restoration: detection never touches marked text; restoration and
case follow the original; a tiny stand-in model shows the search works without
the shared LM (which the chain uses)."""
from __future__ import annotations

import math
import re
import unicodedata
from collections import Counter
from pathlib import Path

import pytest

from normalizers import diacritics

ROOT = Path(__file__).resolve().parents[2]
CORPUS = ROOT / "normalizers" / "data" / "lm_corpus"
SEEDS = ROOT / "tests" / "fixtures" / "seeds"


def _fold(text: str) -> str:
    text = text.replace("đ", "d").replace("Đ", "D")
    bare = "".join(ch for ch in unicodedata.normalize("NFD", text) if not unicodedata.combining(ch))
    return unicodedata.normalize("NFC", bare)


class TinyLexicon:
    """Marked forms seen in a few documents, most frequent first."""

    def __init__(self, texts: list[str]) -> None:
        counts = Counter(w.lower() for t in texts for w in re.findall(r"[^\W\d_]+", t))
        self.forms: dict[str, list[str]] = {}
        for word, _ in counts.most_common():
            self.forms.setdefault(_fold(word), []).append(word)

    def fold(self, text: str) -> str:
        return _fold(text)

    def marked_forms(self, folded: str) -> tuple[str, ...]:
        return tuple(self.forms.get(folded, ()))


class TinyLM:
    """Stupid-backoff bigram over a few documents: enough to test the search."""

    order = 2

    def __init__(self, texts: list[str]) -> None:
        self.uni: Counter = Counter()
        self.bi: Counter = Counter()
        for text in texts:
            for sentence in re.split(r"[.;:!?\n]", text.lower()):
                words = ["<s>", *re.findall(r"[^\W\d_]+", sentence)]
                self.uni.update(words[1:])
                self.bi.update(zip(words, words[1:]))
        self.total = sum(self.uni.values())

    def logprob(self, history: tuple[str, ...], syllable: str) -> float:
        prev = history[-1] if history else "<s>"
        pair = self.bi.get((prev, syllable), 0)
        if pair:
            return math.log(pair / max(self.uni.get(prev, 0), 1) if prev != "<s>" else pair / 1000)
        return math.log(0.4 * (self.uni.get(syllable, 0) + 0.1) / self.total)


@pytest.fixture(scope="module")
def tiny() -> tuple[TinyLM, TinyLexicon]:
    texts = [p.read_text(encoding="utf-8") for p in sorted(SEEDS.glob("00[234]_*.txt"))]
    return TinyLM(texts), TinyLexicon(texts)


def test_clean_seeds_are_not_detected_as_accentless() -> None:
    for path in sorted(SEEDS.glob("00[234]_*.txt")):
        assert not diacritics.lacks_diacritics(path.read_text(encoding="utf-8")), path.name


def test_clean_corpus_documents_are_not_detected_as_accentless() -> None:
    flagged = [
        p.name
        for p in sorted(CORPUS.glob("*/*.txt"))
        if diacritics.lacks_diacritics(p.read_text(encoding="utf-8"))
    ]
    assert flagged == []


def test_accentless_ocr_seed_is_detected() -> None:
    text = next(SEEDS.glob("001_*.txt")).read_text(encoding="utf-8")
    assert diacritics.lacks_diacritics(text)


def test_a_bare_paragraph_inside_a_marked_letter_is_its_only_region() -> None:
    marked = "Căn cứ Luật Tổ chức chính quyền địa phương ngày 19 tháng 6 năm 2015.\n" * 5 + "\n"
    bare = " ".join(["Uy ban nhan dan tinh ban hanh Ke hoach thi dua cai cach hanh chinh"] * 3)
    regions = diacritics.accentless_regions(marked + bare)
    assert regions == [(len(marked), len(marked + bare))]


def test_short_bare_lines_in_a_marked_letter_are_left_alone() -> None:
    text = "ỦY BAN NHÂN DÂN\nTỈNH KON TUM\n\nKON TUM\n\nCăn cứ Luật Tổ chức chính quyền địa phương."
    assert diacritics.accentless_regions(text) == []


@pytest.mark.parametrize(
    "original, restored, expected",
    [
        ("UY", "ủy", "ỦY"),
        ("Uy", "ủy", "Ủy"),
        ("uy", "ủy", "ủy"),
        ("S6", "số", "Số"),
        ("DPoc", "độc", "Độc"),
        ("PiCH", "đích", "ĐÍCH"),
        ("x&", "xã", "xã"),
    ],
)
def test_case_follows_the_original_word(original: str, restored: str, expected: str) -> None:
    assert diacritics.apply_case(original, restored) == expected


def test_restores_a_bare_sentence_with_a_small_model(tiny) -> None:
    model, lexicon = tiny
    text = "Uy ban nhan dan tinh yeu cau cac so, ban, nganh trien khai thuc hien."
    assert diacritics.restore_with(text, model, lexicon) == (
        "Ủy ban nhân dân tỉnh yêu cầu các sở, ban, ngành triển khai thực hiện."
    )


def test_abbreviations_numbers_and_codes_are_left_alone(tiny) -> None:
    model, lexicon = tiny
    text = "Ke hoach so 42/KH-UBND ngay 06 thang 01 nam 2023 cua UBND tinh (PAR INDEX)"
    out = diacritics.restore_with(text, model, lexicon)
    assert "42/KH-UBND" in out and "06" in out and "2023" in out
    assert "UBND tỉnh" in out and "(PAR INDEX)" in out
    assert out.startswith("Kế hoạch số 42/KH-UBND ngày 06 tháng 01 năm 2023 của")


def test_ocr_garbled_words_are_repaired_in_context(tiny) -> None:
    model, lexicon = tiny
    out = diacritics.restore_with("S6:42 /KH-UBND. Thuc hién t6t nhiém vu", model, lexicon)
    assert out.startswith("S") and ":42 /KH-UBND." in out  # the number and code stay
    assert out.endswith("Thực hiện tốt nhiệm vụ")


def test_marked_text_is_returned_unchanged_without_loading_a_model() -> None:
    text = "Ủy ban nhân dân tỉnh ban hành Kế hoạch; UBND các huyện triển khai."
    assert diacritics.restore_diacritics(text) == text


# ---------------------------------------------------------------- with the shipped model



@pytest.fixture(scope="module")
def seed_001() -> tuple[str, str]:
    """(OCR text, restored text) of seed 001, a scan OCR'd without marks."""
    raw = unicodedata.normalize("NFC", next(SEEDS.glob("001_*.txt")).read_text(encoding="utf-8"))
    return raw, diacritics.restore_diacritics(raw)


@pytest.mark.parametrize(
    "expected",
    [
        "ỦY BAN NHÂN DÂN CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "Độc lập - Tự do - Hạnh phúc",
        "Phát động phong trào thi đua đẩy mạnh công tác cải cách hành chính\nnhà nước trên địa bàn tỉnh Kon Tum, giai đoạn 2023 - 2030",
        "Căn cứ Nghị quyết số 18-NQ/TU ngày 02 tháng 12 năm 2022 của Tỉnh ủy",
        "thực hiện tốt nhiệm vụ ở từng đơn vị, địa phương",
        "Chỉ số Hiệu quả quản trị và Hành chính công cấp tỉnh (PAPI)",
        "tỷ lệ giao dịch thanh toán trực tuyến đạt từ 50%\ntrở lên",
        "Ban Chỉ đạo Cải cách hành chính tỉnh",
    ],
)
def test_seed_001_lines_come_back_marked(seed_001, expected: str) -> None:
    assert expected in seed_001[1]


def test_seed_001_number_line_keeps_its_digits_and_code(seed_001) -> None:
    assert "Số:42 /KH-UBND Kon Tum, ngày 06 tháng 0/năm 2023" in seed_001[1]


def test_no_digit_of_a_number_changes(seed_001) -> None:
    raw, restored = seed_001
    # digits not glued to letters or OCR symbols (`s6`, `1¢` are garbled words)
    numbers = re.compile(r"(?<![\w&¢¥€§])\d+(?![\w&¢¥€§])")
    assert numbers.findall(raw) == numbers.findall(restored)


def test_abbreviations_stay_as_written(seed_001) -> None:
    raw, restored = seed_001
    for abbreviation in ("UBND", "PAPI", "PCI", "SIPAS", "CCHC", "UBMTTQ", "PAR INDEX"):
        assert raw.count(abbreviation) == restored.count(abbreviation), abbreviation


def test_restoring_twice_changes_nothing(seed_001) -> None:
    restored = seed_001[1]
    assert diacritics.restore_diacritics(restored) == restored


def test_an_english_sentence_in_a_bare_letter_is_left_alone() -> None:
    english = "The Provincial People's Committee issued the plan on time and in full."
    text = f"Uy ban nhan dan tinh ban hanh ke hoach theo bao cao cua So Noi vu. {english} Cac so thuc hien."
    out = diacritics.restore_diacritics(text)
    assert english in out and out.startswith("Ủy ban nhân dân tỉnh ban hành kế hoạch")


def test_fast_table_lookup_agrees_with_the_model() -> None:
    from normalizers import lm

    model = lm.load_model()
    encode, score, start = diacritics._scorer(model)
    words = ["<s>", "ủy", "ban", "nhân", "dân", "tỉnh", "tánh", "kế", "hoạch", "xyzw", "số", "của"]
    for a in words:
        for b in words[1:]:
            for w in words[1:]:
                history = (a, b) if a != "<s>" or b else (b,)
                assert score((encode(a), encode(b)), encode(w)) == pytest.approx(model.logprob((a, b), w))
    assert start == (-1, encode("<s>"))


def test_a_bare_scanned_page_among_marked_pages_is_restored_alone() -> None:
    marked = "Căn cứ Luật Tổ chức chính quyền địa phương ngày 19 tháng 6 năm 2015.\n" * 8
    bare = "Uy ban nhan dan tinh yeu cau cac so, ban, nganh\n\ntrien khai thuc hien ke hoach nay.\n" * 4
    text = marked + "\f" + bare + "\f" + marked
    assert diacritics.accentless_regions(text) == [(len(marked) + 1, len(marked) + 1 + len(bare))]
    out = diacritics.restore_diacritics(text)
    assert out.startswith(marked + "\fỦy ban nhân dân tỉnh yêu cầu các sở, ban, ngành")
    assert out.endswith("\f" + marked)


def test_the_chain_records_the_step_and_replaying_it_reproduces_the_text(seed_001) -> None:
    from normalizers import chain

    raw = next(SEEDS.glob("001_*.txt")).read_text(encoding="utf-8")
    normalized = chain.normalize_text(raw)
    assert "diacritics-restored" in normalized.repair_names
    assert "font-map" not in normalized.repair_names  # bare OCR is not font damage
    assert normalized.text == seed_001[1]
    assert chain.replay(raw, normalized.repair_names) == normalized.text


def test_abbreviations_written_with_d_stroke_get_it_back(seed_001) -> None:
    assert "Thường trực HĐND tỉnh" in seed_001[1]
    assert diacritics.restore_abbreviation_marks("so 123/QD-UBND, Nghi dinh 30/2020/ND-CP") == (
        "so 123/QĐ-UBND, Nghi dinh 30/2020/NĐ-CP"
    )


def test_capitals_that_spell_a_word_or_are_unknown_are_not_in_the_table() -> None:
    table = diacritics.bare_abbreviations()
    assert {"HDND", "QD", "ND"} <= set(table)
    assert not {"DANG", "DA", "UBND", "KH", "PAR"} & set(table)


def test_bare_abbreviation_table_matches_its_build_script() -> None:
    import importlib.util

    script = ROOT / "normalizers" / "data" / "build_bare_abbreviations.py"
    spec = importlib.util.spec_from_file_location("build_bare_abbreviations", script)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    rows = module.build()
    table = {bare: marked for bare, marked, _, _ in rows}
    assert table == diacritics.bare_abbreviations()


def test_mixed_case_abbreviations_stay_but_mixed_case_garbage_is_repaired() -> None:
    out = diacritics.restore_diacritics(
        "Theo Quyet dinh 12 TTg, To trinh 45 TTr cua So, cac nganh thuc hien Doc lap - Tw do"
    )
    assert " TTg," in out and " TTr " in out
    assert out.startswith("Theo Quyết định 12 TTg, Tờ trình 45 TTr của Sở")
