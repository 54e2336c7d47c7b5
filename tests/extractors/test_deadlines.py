"""Deadline grammar: every rule of deadlines.yaml on real phrases, negatives included."""
from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
import yaml

from extractors.deadlines import add_working_days, find_deadlines, find_recurrences, month_end, row_deadline

CASES = yaml.safe_load((Path(__file__).parents[1] / "cases" / "deadlines.yaml").read_text(encoding="utf-8"))


def _date(value: object) -> dt.date | None:
    return dt.date.fromisoformat(str(value)) if value else None


@pytest.mark.parametrize("case", CASES, ids=[c["label"] for c in CASES])
def test_deadline_case(case: dict) -> None:
    found = [d for d in find_deadlines(case["text"], _date(case.get("issue_date")), case.get("issue_year"))
             if d.date is not None]
    expect = case["expect"]
    if expect is None:
        assert found == [], f"no deadline expected in {case['text']!r}, got {found}"
        return
    assert found, f"no deadline read from {case['text']!r}"
    d = found[0]
    assert d.date == _date(expect["deadline"])
    if "deadline_text" in expect:
        assert d.text == expect["deadline_text"]
    assert d.recurrence == expect.get("recurrence")
    assert d.kind == expect.get("kind", "deadline")


def test_month_end_knows_leap_years() -> None:
    assert month_end(2023, 2) == dt.date(2023, 2, 28)
    assert month_end(2024, 2) == dt.date(2024, 2, 29)


def test_working_days_skip_tet() -> None:
    # Tết 2024: 8-14 February are public holidays in Vietnam.
    assert add_working_days(dt.date(2024, 2, 7), 1) == dt.date(2024, 2, 15)


def test_recurrence_quarterly_and_monthly() -> None:
    assert find_recurrences("Báo cáo định kỳ hằng quý về Sở Nội vụ")[0][0] == "FREQ=MONTHLY;INTERVAL=3"
    assert find_recurrences("báo cáo trước ngày 20 hằng tháng")[0][0] == "FREQ=MONTHLY;BYMONTHDAY=20"
    assert find_recurrences("định kỳ 6 tháng báo cáo kết quả")[0][0] == "FREQ=MONTHLY;INTERVAL=6"


def test_table_row_deadline_reads_the_last_cell() -> None:
    row = "Tổ chức điều chỉnh quy hoạch Ban Quản lý các khu công nghệ cao Sở Công Thương; UBND các phường, xã Quý III Năm 2026"
    assert row_deadline(row).date == dt.date(2026, 9, 30)
    assert row_deadline("Xây dựng kế hoạch đầu tư công Ban Quản lý Sở Tài chính Thường xuyên") is None


def test_grammar_survives_lost_diacritics() -> None:
    # OCR without the vie model drops the marks; the grammar runs on folded text.
    d = find_deadlines("Ban Chi dao to chuc phat dong Phong trao thi dua trong thang 01 nam 2023", None, 2023)[0]
    assert d.date == dt.date(2023, 1, 31)
