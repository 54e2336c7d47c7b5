"""Font-map repair: seed 000 comes back exactly, other shift tables round-trip,
and clean text is never touched."""
import csv
from pathlib import Path

import pytest
import yaml

from normalizers import normalize_text
from normalizers.fontmap import (
    infer_offsets,
    looks_font_mapped,
    repair_font_map,
    shift_code_points,
)

ROOT = Path(__file__).resolve().parents[2]
CORPUS = ROOT / "normalizers" / "data" / "lm_corpus"
SEEDS = ROOT / "tests" / "fixtures" / "seeds"
GOLD = ROOT / "tests" / "fixtures" / "gold"


def char_accuracy(got: str, want: str) -> float:
    assert len(got) == len(want)  # shifts replace characters one for one
    return sum(a == b for a, b in zip(got, want)) / len(want)


def held_out_documents() -> list[Path]:
    with open(CORPUS.parent / "lm_heldout.tsv", encoding="utf-8") as f:
        rows = csv.DictReader((line for line in f if not line.startswith("#")), delimiter="\t")
        return [CORPUS / row["file"] for row in rows]


def test_seed_000_is_restored_through_the_chain():
    damaged = next(SEEDS.glob("000_*.txt")).read_text(encoding="utf-8")
    truth = next(GOLD.glob("000_*.txt")).read_text(encoding="utf-8")
    result = normalize_text(damaged)
    assert char_accuracy(result.text, truth) >= 0.999
    assert "font-map" in [r.name for r in result.repairs]


@pytest.mark.parametrize("damaged, repaired", [
    ("UBND TàNH KON TUM", "UBND TỈNH KON TUM"),  # case break: à is a shifted Ỉ
    ("BAN CHỈ Đ¾O", "BAN CHỈ ĐẠO"),
    ("CÀI CÁCH HÀNH CHÍNH", "CẢI CÁCH HÀNH CHÍNH"),  # À is a shifted Ả, though CÀI is a syllable
    ("CÞNG HÒA XÃ HÞI CHỦ NGHĨA VIỆT NAM", "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"),
    ("Đßc lập - Tự do - H¿nh phúc", "Độc lập - Tự do - Hạnh phúc"),  # ß is ộ here...
    ("thực hißn nhißm vÿ chính trị với vißc", "thực hiện nhiệm vụ chính trị với việc"),  # ...and ệ here
    ("Ban Chá đạo Cải cách hành chính tánh yêu cầu các Thành viên", "Ban Chỉ đạo Cải cách hành chính tỉnh yêu cầu các Thành viên"),
    ("diễn biến=, <tự chuyển hóa= trong nội bộ", "diễn biến”, “tự chuyển hóa” trong nội bộ"),
])
def test_hard_cases_of_seed_000_in_its_own_context(damaged, repaired):
    whole = next(SEEDS.glob("000_*.txt")).read_text(encoding="utf-8")
    fixed = repair_font_map(whole)
    start = whole.index(damaged)
    assert fixed[start : start + len(damaged)] == repaired


SCHEMES = {name: tuple(tuple(run) for run in runs) for name, runs in
           yaml.safe_load((ROOT / "tests" / "cases" / "fontmap_shifts.yaml").read_text(encoding="utf-8")).items()}


@pytest.mark.parametrize("scheme", SCHEMES)
def test_other_shift_tables_round_trip_on_unseen_letters(scheme):
    for path in held_out_documents()[:12:3]:
        clean = path.read_text(encoding="utf-8")[:8000]
        damaged = shift_code_points(clean, SCHEMES[scheme])
        assert looks_font_mapped(damaged), path.name
        assert char_accuracy(repair_font_map(damaged), clean) >= 0.995, path.name


def test_inferred_table_is_the_files_not_000s():
    clean = held_out_documents()[0].read_text(encoding="utf-8")
    damaged = shift_code_points(clean, SCHEMES["into-latin-extended-a"])
    assert set(infer_offsets(damaged).offsets) <= {0x1D80, 0x1DB0}


def test_repair_is_idempotent():
    damaged = next(SEEDS.glob("000_*.txt")).read_text(encoding="utf-8")
    once = repair_font_map(damaged)
    assert repair_font_map(once) == once


@pytest.mark.parametrize("text", [
    "Căn cứ Nghị định số 30/2020/NĐ-CP ngày 05/3/2020 của Chính phủ về công tác văn thư;",
    "Nồng độ chì ≤ 10 µg/l ở nhiệt độ 25 °C; diện tích ½ ha; □ Có □ Không",
    "Đắk Lắk, Krông Búk, Cư M'gar; QĐ-UBND, HĐND, TTĐT",
    "the Ministry of Finance (MOF) and the World Bank",
])
def test_clean_lines_are_left_alone(text):
    assert not looks_font_mapped(text)
    assert repair_font_map(text) == text


def test_no_clean_document_is_edited():
    """Every document of the LM corpus and the clean seeds: zero edits."""
    paths = [*sorted(CORPUS.glob("*/*.txt")), *(p for p in sorted(SEEDS.glob("*.txt")) if p.name[:3] in {"002", "003", "004"})]
    assert len(paths) > 560
    edited = [p.name for p in paths if repair_font_map(t := p.read_text(encoding="utf-8")) != t]
    assert edited == []


def test_accentless_ocr_scan_is_left_to_diacritic_restoration():
    """Seed 001 has stray OCR symbols (`hi¢n`, `k¥`) but almost no marks: not a font map."""
    scan = next(SEEDS.glob("001_*.txt")).read_text(encoding="utf-8")
    assert not looks_font_mapped(scan)
    assert repair_font_map(scan) == scan


def test_a_letter_damaged_only_in_its_header_font_is_repaired():
    """Often only the bold header font is broken: three words are enough evidence."""
    header = "CÞNG HÒA XÃ HÞI CHỦ NGHĨA VIỆT NAM\nĐßc lập - Tự do - Hạnh phúc\nKính gửi: các sở, ban, ngành tỉnh"
    assert repair_font_map(header) == (
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\nĐộc lập - Tự do - Hạnh phúc\nKính gửi: các sở, ban, ngành tỉnh")


def test_two_odd_words_are_not_enough_to_call_a_letter_damaged():
    text = "Công ty Müller GmbH (Straße 5, München) ký hợp đồng với Sở Công Thương tỉnh."
    assert not looks_font_mapped(text)
    assert repair_font_map(text) == text


def test_a_long_clean_text_with_a_few_oddities_is_not_damaged():
    """The detector weighs oddities against length: the whole clean corpus as one
    string holds a handful (CР, VIệt, LǷNH), which must not start a repair."""
    whole = "\n".join(p.read_text(encoding="utf-8") for p in sorted(CORPUS.glob("*/*.txt")))
    assert not looks_font_mapped(whole)
