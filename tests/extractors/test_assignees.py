"""Assignees: headings, lead-ins, requests and sentence subjects; names expanded and canonical."""
from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from extractors.assignees import find_assignees, normalize_agency, split_agencies

CASES = yaml.safe_load((Path(__file__).parents[1] / "cases" / "assignees.yaml").read_text(encoding="utf-8"))


@pytest.mark.parametrize("case", CASES, ids=[c["label"] for c in CASES])
def test_assignee_case(case: dict) -> None:
    got = find_assignees(case["text"], tuple(case["headings"]), table_row=case.get("table_row", False))
    assert list(got.assignees) == case["expect"]["assignees"]
    assert got.lead == case["expect"]["lead"]
    assert list(got.support) == case["expect"]["support"]


def test_gazetteer_makes_names_canonical() -> None:
    assert normalize_agency("Sở KH&ĐT") == "Sở Kế hoạch và Đầu tư"
    assert normalize_agency("Ủy ban MTTQ Việt Nam tỉnh") == "Ủy ban Mặt trận Tổ quốc Việt Nam tỉnh"


def test_lower_case_after_a_comma_stays_in_the_name() -> None:
    assert split_agencies("Thủ trưởng các đơn vị, địa phương") == ("Thủ trưởng các đơn vị, địa phương",)
