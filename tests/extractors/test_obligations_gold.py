"""Obligations against hand-made gold, scored with the matching of eval/score.py.

Seeds (tests/fixtures/gold, clean text): deadlines and targets F1 >= 0.9 and the
recurrence right on every recurring gold deadline. Our own gold for corpus letters of
other types (tests/gold/lm: Thông báo kết luận, Chỉ thị, Kế hoạch with a Phụ lục
table, Công văn): F1 >= 0.75. Header fields come from the gold so only obligations
are measured. Also: task ids stay the same across versions of one letter.
"""
from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from extractors.obligations import extract_obligations
from tests.extractors.gold_scoring import document_from_gold, f1, load_gold, score_deadlines, score_targets

ROOT = Path(__file__).parents[2]
SEED_GOLD = ROOT / "tests" / "fixtures" / "gold"
LM_GOLD = ROOT / "tests" / "gold" / "lm"
# 001 is accent-less OCR; its restored text comes from the normalizers, so the seed
# figure is taken on the clean ones (000's true text, 002-004), as issue 6 asks.
CLEAN_SEEDS = {
    "000_f4987d744d81e3f6": SEED_GOLD / "000_f4987d744d81e3f6.txt",
    "002_6f90c8334a2aae10": ROOT / "tests/fixtures/seeds/002_6f90c8334a2aae10.txt",
    "003_0adef7303f31ab3e": ROOT / "tests/fixtures/seeds/003_0adef7303f31ab3e.txt",
    "004_23b9d5d83946800d": ROOT / "tests/fixtures/seeds/004_23b9d5d83946800d.txt",
}


def _score(pairs: list[tuple[Path, Path]]) -> tuple[tuple[float, float, float], tuple[float, float, float], int, int]:
    dl, tg, rec = [0, 0, 0], [0, 0, 0], [0, 0]
    for gold_path, text_path in pairs:
        gold = load_gold(gold_path)
        rows = extract_obligations(text_path.read_text(encoding="utf-8"), document_from_gold(gold))
        d, t = score_deadlines(rows, gold), score_targets(rows, gold)
        dl = [a + b for a, b in zip(dl, d[:3])]
        tg = [a + b for a, b in zip(tg, t)]
        rec = [rec[0] + d[3], rec[1] + d[4]]
    return f1(*dl), f1(*tg), rec[0], rec[1]


def test_seed_letters_reach_the_issue_goal() -> None:
    (dp, dr, df), (tp, tr, tf), rec_ok, rec_n = _score([(SEED_GOLD / f"{s}.json", p) for s, p in CLEAN_SEEDS.items()])
    assert df >= 0.9, f"deadlines P {dp:.2f} R {dr:.2f}"
    assert tf >= 0.9, f"targets P {tp:.2f} R {tr:.2f}"
    assert rec_ok == rec_n


def test_recurrence_is_right_on_every_recurring_seed_deadline() -> None:
    for stem, path in CLEAN_SEEDS.items():
        gold = load_gold(SEED_GOLD / f"{stem}.json")
        rows = extract_obligations(path.read_text(encoding="utf-8"), document_from_gold(gold))
        for g in gold["deadlines"]:
            if g.get("recurrence") and g.get("date") and not g.get("optional"):
                assert any(r.deadline and r.deadline.isoformat() == g["date"] and r.recurrence == g["recurrence"]
                           for r in rows), g["text"]


def test_corpus_letters_of_other_types_reach_the_unseen_goal() -> None:
    pairs = [(g, g.with_suffix(".txt")) for g in sorted(LM_GOLD.glob("*.json"))]
    assert len(pairs) >= 4
    (dp, dr, df), (tp, tr, tf), _, _ = _score(pairs)
    assert df >= 0.75, f"deadlines P {dp:.2f} R {dr:.2f}"
    assert tf >= 0.75, f"targets P {tp:.2f} R {tr:.2f}"


@pytest.mark.parametrize("stem", ["003_0adef7303f31ab3e", "000_f4987d744d81e3f6"])
def test_task_ids_survive_a_new_version_of_the_letter(stem: str) -> None:
    gold = load_gold(SEED_GOLD / f"{stem}.json")
    text = CLEAN_SEEDS[stem].read_text(encoding="utf-8")
    first = extract_obligations(text, document_from_gold(gold, doc_id="aaaa"))
    # A re-scan: other bytes (so another doc_id), extra blank lines and trailing spaces.
    rescan = extract_obligations(text.replace("\n", " \n\n"), document_from_gold(gold, doc_id="bbbb"))
    assert [r.task_id for r in first] == [r.task_id for r in rescan]
    assert len({r.task_id for r in first}) == len(first)


def test_task_ids_differ_between_letters() -> None:
    gold = load_gold(SEED_GOLD / "003_0adef7303f31ab3e.json")
    text = CLEAN_SEEDS["003_0adef7303f31ab3e"].read_text(encoding="utf-8")
    other = dataclasses.replace(document_from_gold(gold), number="1924")
    assert {r.task_id for r in extract_obligations(text, document_from_gold(gold))}.isdisjoint(
        r.task_id for r in extract_obligations(text, other))


def test_plan_year_comes_from_nam_not_from_a_cited_date() -> None:
    from extractors.obligations import plan_year

    cited = dataclasses.replace(document_from_gold(load_gold(LM_GOLD / "thong_bao_405a6cabda393030.json")))
    assert plan_year(cited) is None
    plan = document_from_gold(load_gold(SEED_GOLD / "002_6f90c8334a2aae10.json"))
    assert plan_year(plan) == 2024


def test_a_deadline_row_carries_section_assignees_and_phrase() -> None:
    gold = load_gold(SEED_GOLD / "003_0adef7303f31ab3e.json")
    rows = extract_obligations(CLEAN_SEEDS["003_0adef7303f31ab3e"].read_text(encoding="utf-8"), document_from_gold(gold))
    (row,) = [r for r in rows if r.kind == "deadline"]
    assert row.section == "1"
    assert row.deadline_text == "trước ngày 10 tháng 7 năm 2022"
    assert row.deadline_kind == "deadline"
    assert "Trưởng Ban Quản lý Khu kinh tế tỉnh" in row.assignees
    # Every assigned item without a date is a task row of the same letter.
    assert any(r.kind == "task" and r.lead_assignee == "Sở Nội vụ" for r in rows)


def test_a_period_is_read_for_its_end_and_marked() -> None:
    text = "4. Thời gian thi đua: Từ ngày 01 tháng 01 năm 2023 đến hết ngày 31 tháng 10 năm 2030."
    gold = load_gold(SEED_GOLD / "001_992dc88e18f0bf29.json")
    (row,) = extract_obligations(text, document_from_gold(gold))
    assert (row.kind, row.deadline.isoformat(), row.deadline_kind) == ("deadline", "2030-10-31", "period")


def test_a_yearly_plan_gives_its_targets_the_year_end_and_no_year_deadline() -> None:
    gold = load_gold(SEED_GOLD / "002_6f90c8334a2aae10.json")
    rows = extract_obligations(CLEAN_SEEDS["002_6f90c8334a2aae10"].read_text(encoding="utf-8"), document_from_gold(gold))
    assert all(r.deadline is not None and r.deadline.isoformat() == "2024-12-31" for r in rows if r.kind == "target")
    assert not [r for r in rows if r.kind == "deadline" and r.deadline is not None]


def test_task_ids_survive_ocr_slips_in_marks_and_letters() -> None:
    # The fax scan of seed 004 reads "đây mạnh", "gia! đoạn" and "20221" for "đẩy mạnh",
    # "giai đoạn" and "2022¹" (tests/fixtures/scans/004_p1-2.fax.tiff).
    gold = load_gold(SEED_GOLD / "004_23b9d5d83946800d.json")
    text = CLEAN_SEEDS["004_23b9d5d83946800d"].read_text(encoding="utf-8")
    scan_doc = dataclasses.replace(document_from_gold(gold, doc_id="scan"),
                                   subject=gold["subject"].replace("đẩy mạnh", "đây mạnh").replace("giai đoạn", "gia! đoạn"))
    scan_text = text.replace("đẩy mạnh", "đây mạnh").replace("2022¹", "20221")
    first = {r.task_id for r in extract_obligations(text, document_from_gold(gold)) if r.kind != "task"}
    again = {r.task_id for r in extract_obligations(scan_text, scan_doc) if r.kind != "task"}
    assert first and first == again
