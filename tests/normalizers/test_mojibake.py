"""Mojibake: UTF-8 read as cp1252 or latin-1 comes back exactly; valid text never changes.

Single lines live in tests/cases/encodings.yaml; here whole documents are damaged.
"""
from __future__ import annotations

from pathlib import Path

import ftfy
import pytest

from normalizers import normalize_text
from normalizers import legacy_fonts
from normalizers.mojibake import fix_mojibake, looks_like_mojibake

ROOT = Path(__file__).parents[2]
CORPUS = sorted((ROOT / "normalizers" / "data" / "lm_corpus").rglob("*.txt"))
SEEDS = sorted((ROOT / "tests" / "fixtures" / "seeds").glob("*.txt"))


def as_cp1252(data: bytes) -> str:
    """What the .txt reader does with non-UTF-8 bytes: cp1252, undefined bytes via latin-1."""
    return "".join(bytes([b]).decode("cp1252", errors="ignore") or chr(b) for b in data)


DAMAGE = {
    "cp1252": lambda t: as_cp1252(t.encode("utf-8")),
    "latin-1": lambda t: t.encode("utf-8").decode("latin-1"),
    "cp1252 twice": lambda t: as_cp1252(as_cp1252(t.encode("utf-8")).encode("utf-8")),
}


@pytest.mark.parametrize("kind", DAMAGE)
def test_mojibake_of_corpus_documents_comes_back_exactly(kind):
    for path in CORPUS[::25]:
        text = path.read_text(encoding="utf-8")
        damaged = DAMAGE[kind](text)
        assert looks_like_mojibake(damaged), path.name
        result = normalize_text(damaged)
        # what the chain makes of the clean text (a few corpus files hold Cyrillic С Р)
        assert result.text == normalize_text(text).text, path.name
        assert result.repair_names[0] == "mojibake-cp1252"


def test_mojibake_of_seed_letters_comes_back_exactly():
    for path in SEEDS:
        text = path.read_text(encoding="utf-8")
        if not text.isascii() and looks_like_mojibake(text):
            continue  # a seed that is itself damaged is not a clean input
        assert fix_mojibake(DAMAGE["cp1252"](text)) == text


def test_mixed_text_keeps_its_valid_part():
    line = "Ủy ban nhân dân tỉnh Kon Tum: " + DAMAGE["cp1252"]("Sở Nội vụ chủ trì, phối hợp")
    assert fix_mojibake(line) == "Ủy ban nhân dân tỉnh Kon Tum: Sở Nội vụ chủ trì, phối hợp"


def test_clean_corpus_is_never_mojibake():
    assert [p.name for p in CORPUS if looks_like_mojibake(p.read_text(encoding="utf-8"))] == []


def test_tcvn3_and_vni_surfaces_are_never_mojibake():
    for path in CORPUS[::25]:
        text = path.read_text(encoding="utf-8")
        for encoding in ("tcvn3", "vni"):
            assert not looks_like_mojibake(legacy_fonts.encode_legacy(text, encoding)), (path.name, encoding)


def test_ftfy_alone_would_garble_tcvn3():
    """Why ftfy is not run on everything: it "fixes" a TCVN3 surface into other letters,
    which then no longer decode. Our detector leaves the surface to the TCVN3 step."""
    surface = "Hµ néi, ngµy 22 th¸ng 11 n¨m 2002. céng hoµ x· héi chñ nghÜa ViÖt nam"
    assert not looks_like_mojibake(surface)
    assert normalize_text(surface).text == "Hà nội, ngày 22 tháng 11 năm 2002. cộng hoà xã hội chủ nghĩa Việt nam"
    ftfy.fix_encoding(surface)  # runs; its result is not relied on
