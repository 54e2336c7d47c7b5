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
