"""Every case of tests/cases/encodings.yaml: a step's detector and fix on real lines.

A fix case must be detected, give `expect`, and its output must not trigger the step
again (so the chain never decodes twice). A negative case (`expect: same`) must not be
detected; when its text is clean Unicode (`clean: true`) the whole chain must leave it as is.
"""
from __future__ import annotations

import unicodedata
from pathlib import Path

import pytest
import yaml

from normalizers import normalize_text
from normalizers.chain import STEPS_BY_NAME

CASES = yaml.safe_load((Path(__file__).parents[1] / "cases" / "encodings.yaml").read_text(encoding="utf-8"))


def _params() -> list:
    return list(_param_iter())


def _param_iter():
    for case in CASES:
        marks = [pytest.mark.xfail(strict=True)] if case.get("status") == "known-failure" else []
        yield pytest.param(case, id=case["label"], marks=marks)


@pytest.mark.parametrize("case", _params())
def test_encoding_case(case):
    step = STEPS_BY_NAME[case["step"]]
    text = unicodedata.normalize("NFD", case["text"]) if case.get("nfd") else case["text"]
    if case["expect"] == "same":
        assert not step.applies(text), case["label"]
        if case.get("clean"):
            assert normalize_text(text).text == text
    else:
        assert step.applies(text), case["label"]
        assert step.fix(text) == case["expect"]
        assert not step.applies(case["expect"])


# --- fonts ------------------------------------------------------------------------------

from normalizers import legacy_fonts  # noqa: E402
from normalizers import mojibake, unicode as uni  # noqa: E402
from rapidfuzz.distance import Levenshtein  # noqa: E402

ROOT = Path(__file__).parents[2]
CORPUS = sorted((ROOT / "normalizers" / "data" / "lm_corpus").rglob("*.txt"))
TRANSCRIPTS = sorted((ROOT / "tests" / "fixtures" / "legacy").glob("*.txt"))


@pytest.mark.parametrize("font, encoding", [
    (".VnTime", "tcvn3"), (".VnTimeH", "tcvn3"), (".VnTime1", "tcvn3"), (".VnTimeH1", "tcvn3"),
    (".VnArial", "tcvn3"), ("VnTime", "tcvn3"),
    ("VNI-Times", "vni"), ("VNI-Helve-Condense", "vni"), ("VNI-Times1", "vni"), ("vni-helve", "vni"),
    ("Times New Roman", None), ("Arial", None), ("Symbol", None), (None, None), ("", None),
])
def test_font_names_tell_the_encoding(font, encoding):
    assert legacy_fonts.encoding_of_font(font) == encoding


def test_runs_in_unicode_fonts_are_not_decoded():
    assert legacy_fonts.decode_run("Bộ Tài chính", "Times New Roman") == "Bộ Tài chính"


def test_uppercase_font_keeps_the_case_as_typed():
    # .VnTimeH draws capitals, but the transcripts keep the lower case that was typed
    assert legacy_fonts.decode_run("bé tµi chÝnh", ".VnTimeH") == "bộ tài chính"
    assert legacy_fonts.is_uppercase_font(".VnTimeH1")


# --- clean text: the detectors never fire ---------------------------------------------------

ENCODING_STEPS = ("mojibake-cp1252", "legacy-tcvn3", "legacy-vni", "legacy-viqr", "nfc", "invisible-chars")


def test_clean_corpus_triggers_no_encoding_repair():
    """Every clean document of the corpus passes every encoding detector untouched.

    (`lookalikes` is checked apart: six corpus documents really hold Cyrillic С Р Т.)"""
    fired = []
    for path in CORPUS:
        text = path.read_text(encoding="utf-8")
        fired += [(path.name, name) for name in ENCODING_STEPS if STEPS_BY_NAME[name].applies(text)]
    assert fired == []


def test_lookalikes_fire_only_on_real_cyrillic_in_the_corpus():
    for path in CORPUS:
        text = path.read_text(encoding="utf-8")
        if uni.has_lookalikes(text):
            fixed = uni.fix_lookalikes(text)
            changed = [(a, b) for a, b in zip(text, fixed) if a != b]
            assert changed and all(a in "СРТ" and b in "CPT" for a, b in changed), path.name


# --- round trips: damage unseen letters, repair through the whole chain -------------------

def _accuracy(out: str, truth: str) -> float:
    return 1 - Levenshtein.distance(out, truth) / len(truth)


def _sample(paths, every):
    return [p.read_text(encoding="utf-8") for p in paths[::every]]


@pytest.mark.parametrize("encoding, floor", [("tcvn3", 0.995), ("vni", 0.995), ("viqr", 0.995)])
def test_legacy_surfaces_round_trip_on_unseen_transcripts(encoding, floor):
    """The legacy transcripts are not in the corpus: damage them and repair them."""
    texts = _sample(TRANSCRIPTS, 1)
    total = sum(len(t) for t in texts)
    score = 0.0
    for text in texts:
        out = normalize_text(legacy_fonts.encode_legacy(text, encoding))
        assert f"legacy-{encoding}" in out.repair_names
        assert unicodedata.is_normalized("NFC", out.text)
        score += _accuracy(out.text, text) * len(text)
    assert score / total >= floor


@pytest.mark.parametrize("encoding", ["tcvn3", "vni", "viqr"])
def test_legacy_surfaces_round_trip_on_corpus_sample(encoding):
    texts = _sample(CORPUS, 40)
    total = sum(len(t) for t in texts)
    score = sum(_accuracy(normalize_text(legacy_fonts.encode_legacy(t, encoding)).text, t) * len(t)
                for t in texts)
    assert score / total >= 0.995


# --- from bytes and from Word runs ----------------------------------------------------------

from dondoc.models import Page, Source, TextRun  # noqa: E402
from normalizers import normalize  # noqa: E402
from readers.text import decode_bytes  # noqa: E402


@pytest.mark.parametrize("encoding, step", [("tcvn3", "legacy-tcvn3"), ("vni", "legacy-vni")])
def test_legacy_text_file_bytes_decode_through_the_text_reader(encoding, step):
    """A .txt saved by an old editor: 8-bit bytes, read as cp1252, repaired by the chain."""
    truth = (ROOT / "tests" / "fixtures" / "legacy" / "2009-download.txt").read_text(encoding="utf-8")
    data = legacy_fonts.encode_legacy(truth, encoding).encode("cp1252", errors="replace")
    text, decoded_as = decode_bytes(data)
    assert decoded_as == "cp1252"
    result = normalize_text(text)
    assert step in result.repair_names
    assert _accuracy(result.text, truth) >= 0.995


def test_word_runs_decode_by_font_and_unicode_runs_stay():
    runs = (TextRun("UBND TỈNH KON TUM\n", "Times New Roman"),
            TextRun("Céng hoµ x· héi chñ nghÜa ViÖt Nam\n", ".VnTime"),
            TextRun("Ñoäc laäp - Töï do - Haïnh phuùc\n", "VNI-Times"),
            TextRun("Sở Nội vụ các huyện", "Arial"))
    source = Source(path="x", source_path="x.doc", doc_id="x", source_format="doc", text_source="text",
                    pages=(Page(1, runs),))
    result = normalize(source)
    assert result.text == ("UBND TỈNH KON TUM\nCộng hoà xã hội chủ nghĩa Việt Nam\n"
                           "Độc lập - Tự do - Hạnh phúc\nSở Nội vụ các huyện")
    assert set(result.repair_names) == {"legacy-tcvn3", "legacy-vni"}


def test_decoding_skips_words_that_are_already_unicode():
    """Words with ư ơ đ ă ĩ ũ or U+1EA0-1EF9 are never legacy surfaces. (Unicode words with
    Latin-1 letters only, such as `chính`, cannot be told apart: a known limit.)"""
    mixed = "Bộ trưởng quyết định: ngµy 22 th¸ng 11 n¨m 2002 ®iÒu chØnh"
    assert legacy_fonts.decode_tcvn3(mixed) == "Bộ trưởng quyết định: ngày 22 tháng 11 năm 2002 điều chỉnh"


@pytest.mark.parametrize("damage", [
    lambda t: legacy_fonts.encode_legacy(t, "tcvn3"),
    lambda t: legacy_fonts.encode_legacy(t, "vni"),
    lambda t: legacy_fonts.encode_legacy(t, "viqr"),
    lambda t: t.encode("utf-8").decode("cp1252", errors="replace").replace("\ufffd", "?"),
    lambda t: unicodedata.normalize("NFD", t) + "\u00a0\ufeff",
], ids=["tcvn3", "vni", "viqr", "mojibake", "nfd+invisible"])
def test_replaying_the_recorded_repairs_reproduces_the_output(damage):
    truth = (ROOT / "tests" / "fixtures" / "legacy" / "2004-B6.txt").read_text(encoding="utf-8")
    result = normalize_text(damage(truth))
    assert result.repairs
    from normalizers.chain import replay
    assert replay(result.raw_text, result.repair_names) == result.text
