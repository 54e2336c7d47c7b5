"""Deadline and target precision/recall/F1 of extract_obligations on gold letters.

usage: .venv/bin/python benchmarks/obligations.py [-v]

Scores the seed letters (tests/fixtures/gold, clean text: 000's true text, 002-004;
001 is accent-less OCR and is scored on its raw text as a robustness figure) and our
own gold for corpus letters (tests/gold/lm), with the header fields taken from the
gold so only the obligations are measured. Prints letters/s as well.
"""
from __future__ import annotations

import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from extractors.obligations import extract_obligations  # noqa: E402
from tests.extractors.gold_scoring import (  # noqa: E402
    document_from_gold, f1, load_gold, score_deadlines, score_targets_with_due)


def assignee_counts(rows, gold: dict, folded: bool = False) -> tuple[int, int, int]:
    """(tp, n_pred, n_gold) of assignees on gold deadlines matched by date (fuzzy names, >= 85).

    Each gold deadline takes the row of its date whose text is most like its own, and a
    row serves one gold deadline only (as score.py matches deadlines): two items of one
    letter often share a date and the same closing words, and both would otherwise be
    scored against the first. Gold names are made canonical as the extractor makes its
    own (`UBND phường, xã` is `Ủy ban nhân dân phường, xã`). `folded` compares names
    without their marks (for the accent-less copies, whose names cannot carry marks)."""
    from rapidfuzz import fuzz

    from extractors.assignees import normalize_agency
    from tests.extractors.gold_scoring import norm
    tp = n_pred = n_gold = 0
    used: set[int] = set()
    for g in gold.get("deadlines", []):
        if not g.get("date"):
            continue
        cands = [(fuzz.partial_ratio(norm(r.text, True) or "", norm(g["text"], True) or ""), -i, i)
                 for i, r in enumerate(rows) if i not in used and r.deadline and r.deadline.isoformat() == g["date"]]
        if not cands:
            continue
        i = max(cands)[2]
        used.add(i)
        if not g.get("assignees"):
            continue
        pred = [norm(a, folded) for a in rows[i].assignees]
        gold_names = [norm(normalize_agency(a), folded) for a in g["assignees"]]
        n_pred += len(pred)
        n_gold += len(gold_names)
        tp += sum(1 for a in gold_names if any(fuzz.ratio(a, p) >= 85 for p in pred))
    return tp, n_pred, n_gold


def text_for(gold_path: Path) -> Path | None:
    for candidate in (gold_path.with_suffix(".txt"), ROOT / "tests/fixtures/seeds" / (gold_path.stem + ".txt")):
        if candidate.exists():
            return candidate
    return None


def run(gold_dir: Path, verbose: bool, damage=None) -> None:
    """Score every gold letter of `gold_dir`; `damage` (str -> str) degrades the text first."""
    dl, tg, rec, due, who = [0, 0, 0], [0, 0, 0], [0, 0], [0, 0], [0, 0, 0]
    started, n = time.perf_counter(), 0
    for gold_path in sorted(gold_dir.glob("*.json")):
        text_path = text_for(gold_path)
        if text_path is None:
            continue
        gold = load_gold(gold_path)
        text = text_path.read_text(encoding="utf-8")
        rows = extract_obligations(damage(text) if damage else text, document_from_gold(gold))
        n += 1
        d = score_deadlines(rows, gold)
        t = score_targets_with_due(rows, gold)
        dl = [a + b for a, b in zip(dl, d[:3])]
        tg = [a + b for a, b in zip(tg, t[:3])]
        due = [due[0] + t[3], due[1] + t[4]]
        who = [a + b for a, b in zip(who, assignee_counts(rows, gold, folded=damage is not None))]
        rec = [rec[0] + d[3], rec[1] + d[4]]
        print(f"  {gold_path.stem}: deadlines {d[0]}/{d[2]} found, {d[1]} predicted; "
              f"targets {t[0]}/{t[2]} found, {t[1]} predicted")
        if verbose:
            for r in rows:
                if r.kind != "task":
                    print(f"      {r.kind:8} {r.section or '-':8} {r.deadline} {r.recurrence or ''} "
                          f"{r.target_value} {r.target_unit or ''} | {r.deadline_text or ''} | {r.text[:90]}")
    elapsed = time.perf_counter() - started
    for name, counts in (("deadlines", dl), ("targets", tg)):
        p, r, f = f1(*counts)
        print(f"{gold_dir}: {name} P {p:.2f} R {r:.2f} F1 {f:.2f}")
    p, r, f = f1(*who)
    print(f"{gold_dir}: assignees of matched deadlines P {p:.2f} R {r:.2f} F1 {f:.2f} "
          f"({who[0]} right of {who[1]} predicted, {who[2]} in gold; not scored by score.py)")
    print(f"{gold_dir}: recurrence right {rec[0]}/{rec[1]}; target due right {due[0]}/{due[1]}; "
          f"{n / elapsed:.1f} letters/s")


if __name__ == "__main__":
    verbose = "-v" in sys.argv
    run(ROOT / "tests/fixtures/gold", verbose)
    if (ROOT / "tests/gold/lm").exists():
        run(ROOT / "tests/gold/lm", verbose)
    # Robustness: the same letters with every diacritic dropped (OCR without the vie model,
    # before the diacritics restorer runs).
    from extractors.structure import fold  # noqa: E402
    print("accent-less copies:")
    run(ROOT / "tests/fixtures/gold", False, damage=fold)
    run(ROOT / "tests/gold/lm", False, damage=fold)
