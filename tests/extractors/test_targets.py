"""Target grammar: values, ranges, fractions, units, comparators, and numbers that are not goals."""
from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
import yaml

from extractors.targets import find_targets, target_due

CASES = yaml.safe_load((Path(__file__).parents[1] / "cases" / "targets.yaml").read_text(encoding="utf-8"))


@pytest.mark.parametrize("case", CASES, ids=[c["label"] for c in CASES])
def test_target_case(case: dict) -> None:
    found = find_targets(case["text"], case.get("in_target_section", False), case.get("issue_year"),
                         normative=case.get("normative", False))
    got = [[t.value, t.value_max, t.unit, t.comparator] for t in found]
    want = [[float(v), float(m) if m is not None else None, u, c] for v, m, u, c in case["expect"]]
    assert got == want


def test_due_of_a_target_is_its_year_end() -> None:
    assert target_due("phấn đấu trong năm 2023: Chỉ số tăng 05 bậc so với năm 2022")[0] == dt.date(2023, 12, 31)
    assert target_due("Giai đoạn 2025 - 2030, phấn đấu giảm bình quân 10%")[0] == dt.date(2030, 12, 31)


def test_a_compared_year_is_not_the_due() -> None:
    assert target_due("tăng 05 bậc so với năm 2022") == (None, None)
