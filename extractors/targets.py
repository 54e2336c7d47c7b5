"""Read numeric targets: value, range, unit, comparator and due date.

`100% thủ tục hành chính ...`, `đạt tối thiểu 90%`, `từ 50% trở lên`, `từ 10% đến 15%`,
`2,5%` (decimal comma), `1/3 sở, ban, ngành` (33.33 %), `tăng 05 bậc`,
`02 hoạt động`. Numbers that are not goals stay out: figures already achieved
(`năm 2024 đạt 88,9%`), review figures, award quotas, points, ages, bandwidths.
The word lists live in `extractors/data/targets.yaml`.
"""
from __future__ import annotations

import datetime as dt
import functools
import re
from dataclasses import dataclass
from pathlib import Path

from dondoc.langdata import load_yaml
from extractors.structure import any_match, compile_folded, fold

DATA = Path(__file__).parent / "data" / "targets.yaml"
_NUMBER = r"(?P<num>\d{1,3}(?:\.\d{3})+(?:,\d+)?|\d+(?:[.,]\d+)?)"


@dataclass(frozen=True, slots=True)
class Target:
    """A numeric goal and the span of text it was read from."""

    value: float
    unit: str
    comparator: str
    start: int
    end: int
    text: str
    value_max: float | None = None


@functools.cache
def _data() -> dict:
    return load_yaml(DATA)


def parse_number(text: str, percent: bool) -> float:
    """A Vietnamese number: comma decimals, dot thousands.

    >>> parse_number("2,5", percent=True), parse_number("1.000", percent=False), parse_number("05", percent=False)
    (2.5, 1000.0, 5.0)
    """
    if re.fullmatch(r"\d{1,3}(?:\.\d{3})+(?:,\d+)?", text):
        return float(text.replace(".", "").replace(",", "."))
    if "." in text and percent:
        return float(text)  # 2.5% written with a point
    return float(text.replace(",", "."))


@functools.cache
def _patterns() -> dict[str, re.Pattern[str]]:
    data = _data()
    nouns = sorted((fold(n) for n in data["counted_nouns"]), key=len, reverse=True)
    ranks = "|".join(fold(r) for r in data["rank_units"])
    return {
        "range": re.compile(rf"{_NUMBER}\s*%?\s*(?:đến|den|-|–)\s*(?P<max>\d+(?:[.,]\d+)?)\s*%", re.I),
        "percent": re.compile(rf"(?<![\d/.,]){_NUMBER}\s*%", re.I),
        "fraction": re.compile(r"(?<![\d/])(?P<a>\d)/(?P<b>\d{1,2})(?![\d/])(?=\s+[^\W\d])", re.I),
        "rank": re.compile(rf"(?<![\d/.,]){_NUMBER}\s+(?P<unit>{ranks})\b", re.I),
        "count": re.compile(rf"(?<![\d/.,]){_NUMBER}\s+(?P<unit>{'|'.join(re.escape(n) for n in nouns)})\b", re.I),
    }


def _unit_name(folded_unit: str) -> str:
    """The unit as written in targets.yaml, so OCR without marks still says `bậc`."""
    data = _data()
    for unit in list(data["rank_units"]) + list(data["counted_nouns"]):
        if fold(unit).lower() == folded_unit.lower():
            return unit
    return folded_unit


def _comparator(folded: str, start: int, end: int) -> str:
    """`>=`, `>`, `<=`, `<` or `=` from the words right before or after a number."""
    before = folded[max(0, start - 40):start]
    after = folded[end:end + 20]
    for rule in _data()["comparators"]:
        if "before" in rule and compile_folded(rf"(?:^|\W)(?:{rule['before']})\s*(?:từ\s+)?$").search(before):
            return rule["cmp"]
        if "after" in rule and compile_folded(rf"^(?:{rule['after']})").search(after):
            return rule["cmp"]
    return "="


def _is_reported(folded: str, start: int, left: int, in_target_section: bool, has_cue: bool,
                 issue_year: int | None) -> bool:
    """True when the words before a number say it is a result, not a goal."""
    data = _data()
    window = folded[left:start]
    if any(compile_folded(p).search(window) for p in data["achieved_before"]):
        return True
    if issue_year:
        for m in compile_folded(data["past_year"]).finditer(window):
            if int(m.group("year")) < issue_year and not compile_folded(data["not_due_before"]).search(window[:m.start()]):
                return True
    if not in_target_section and not has_cue and compile_folded(data["reported_verbs"]).search(window):
        return True
    return False


def find_targets(text: str, in_target_section: bool = False, issue_year: int | None = None,
                 normative: bool = False) -> tuple[Target, ...]:
    """Targets in one clause. Percentages count anywhere a goal is plausible; counted
    nouns, ranks and fractions only under a target heading or with a goal cue.

    >>> [(t.value, t.unit, t.comparator) for t in find_targets("tỷ lệ giao dịch thanh toán trực tuyến đạt từ 50% trở lên", True)]
    [(50.0, '%', '>=')]
    >>> t = find_targets("phấn đấu giảm bình quân khoảng 10% đến 15% chi trực tiếp từ ngân sách nhà nước")[0]
    >>> (t.value, t.value_max, t.unit)
    (10.0, 15.0, '%')
    >>> [(t.value, t.unit) for t in find_targets("Tối thiểu 1/3 sở, ban, ngành cấp tỉnh phải được kiểm tra", True)]
    [(33.33, '%')]
    >>> find_targets("Chỉ số PAR INDEX năm 2021 đạt 88,9%, tăng 26,94% so với năm 2020", issue_year=2022)
    ()

    In a normative text (an article of a Nghị định, a Thông tư) a number is a rule's
    threshold unless the clause states a goal:

    >>> find_targets("Người được đề nghị bổ nhiệm phải đạt trên 50% số phiếu giới thiệu", normative=True)
    ()
    """
    data = _data()
    folded = fold(text)
    if any_match(data["not_target_clause"], text):
        return ()
    if normative and not in_target_section and not any_match(data["goal_cues"], text):
        return ()  # a rule's threshold ("đạt trên 50% số phiếu"), not a goal
    has_cue = any_match(data["target_cues"], text)
    strong = in_target_section or has_cue
    pats = _patterns()
    found: list[Target] = []
    taken: list[tuple[int, int]] = []

    def free(a: int, b: int) -> bool:
        return all(b <= x or a >= y for x, y in taken)

    candidates: list[tuple[int, int, float, float | None, str]] = []
    for m in pats["range"].finditer(folded):
        candidates.append((m.start(), m.end(), parse_number(m.group("num"), True), parse_number(m.group("max"), True), "%"))
    for m in pats["percent"].finditer(folded):
        candidates.append((m.start(), m.end(), parse_number(m.group("num"), True), None, "%"))
    if strong:
        for m in pats["fraction"].finditer(folded):
            a, b = int(m.group("a")), int(m.group("b"))
            if 0 < a < b:
                candidates.append((m.start(), m.end(), round(100 * a / b, 2), None, "%"))
        for m in pats["rank"].finditer(folded):
            candidates.append((m.start(), m.end(), parse_number(m.group("num"), False), None, _unit_name(m.group("unit"))))
        for m in pats["count"].finditer(folded):
            candidates.append((m.start(), m.end(), parse_number(m.group("num"), False), None, _unit_name(m.group("unit"))))
    left = 0
    for start, end, value, value_max, unit in sorted(candidates, key=lambda c: (c[0], -(c[1] - c[0]))):
        if not free(start, end):
            continue
        taken.append((start, end))
        after = folded[end:end + 12]
        if any(compile_folded(p).search(after) for p in data["not_target_after"]) and unit != "%":
            continue
        if unit == "%" and value > 100 and value_max is None and not strong:
            continue
        if not strong and not compile_folded(data["goal_noun_after"]).search(folded[end:end + 20]):
            continue
        if unit != "%" and compile_folded(data["not_count_before"]).search(folded[max(0, start - 15):start]):
            continue
        if _is_reported(folded, start, left, in_target_section, has_cue, issue_year):
            left = end
            continue
        found.append(Target(value=value, unit=unit, comparator=_comparator(folded, start, end), start=start, end=end,
                            text=text[start:end], value_max=value_max))
        left = end
    return tuple(found)


def target_due(text: str, near: int | None = None) -> tuple[dt.date | None, str | None]:
    """The due date a clause gives a target (`đến năm 2030` → 2030-12-31), and the phrase.

    With `near` (the target's offset), the last phrase before it wins, else the first
    after it, so each of two goals in one sentence keeps its own year; without it, the
    first phrase of the clause.

    >>> target_due("Đến năm 2030, tiếp tục giảm bình quân 10% biên chế so với năm 2025.")
    (datetime.date(2030, 12, 31), 'Đến năm 2030')
    >>> target_due("tăng 05 bậc so với năm 2022")
    (None, None)
    >>> t = "phấn đấu đạt 20% xã, phường “không ma túy” năm 2025, bảo đảm đến hết năm 2030 đạt 50% địa bàn"
    >>> target_due(t, near=t.index("20%"))[0], target_due(t, near=t.index("50%"))[0]
    (datetime.date(2025, 12, 31), datetime.date(2030, 12, 31))
    >>> t = "phấn đấu tăng trưởng kinh tế cả năm 2025 đạt trên 8% và năm 2026 đạt từ 10% trở lên"
    >>> target_due(t, near=t.index("8%"))[0], target_due(t, near=t.index("10%"))[0]
    (datetime.date(2025, 12, 31), datetime.date(2026, 12, 31))
    """
    data = _data()
    folded = fold(text)
    not_due = compile_folded(data["not_due_before"])
    found: list[tuple[int, int, dt.date, str]] = []
    for form in data["due_forms"]:
        for m in compile_folded(form["pattern"]).finditer(folded):
            if not_due.search(folded[:m.start()]):
                continue
            if any(a <= m.start() < b or m.start() <= a < m.end() for a, b, _, _ in found):
                continue
            found.append((m.start(), m.end(), dt.date(int(m.group("year")), 12, 31), text[m.start():m.end()].strip()))
    if not found:
        return None, None
    if near is None:
        best = min(found)
    else:
        # "năm 2025 đạt trên 8% và năm 2026 đạt từ 10%": a year phrase before a goal is
        # its own; one after it counts only when none precedes ("đạt 50% vào năm 2025").
        before = [f for f in found if f[1] <= near]
        best = max(before, key=lambda f: f[1]) if before else min(found)
    return best[2], best[3]
