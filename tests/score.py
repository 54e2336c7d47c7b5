#!/usr/bin/env python3
# Verbatim copy of the project scorer (shared eval/score.py), so tests and benchmarks
# score with it from a clean clone, never reading outside the repository. Do not edit: re-copy it.
"""Score a pipeline's output tables against hand-made gold annotations.

usage: score.py OUTPUT_DIR GOLD_DIR [--json FILE] [--folded] [--quiet]

OUTPUT_DIR holds documents.(parquet|csv) and tasks.(parquet|csv) as described in
spec/OUTPUTS.md. GOLD_DIR holds one JSON file per document; a gold file named
STEM.json is matched to every output document whose source file name starts
with STEM followed by '.' (so 001_x.txt, 001_x.pdf and 001_x.scan.png all match
001_x.json and are scored separately).

Needs pandas, pyarrow, rapidfuzz and unidecode.
"""
from __future__ import annotations

import argparse
import json
import math
import pathlib
import re
import sys
import unicodedata

import pandas as pd
from rapidfuzz import fuzz
from unidecode import unidecode

SCALARS = ["doc_type", "number", "symbol", "doc_number", "issue_date", "issue_year",
           "place", "issuer", "subject", "signer", "signer_title"]
LISTS = ["addressees", "recipients", "references"]
FUZZY_SCALARS = {"issuer": 90, "subject": 90}
LIST_THRESHOLD = 85


def norm(s, folded=False):
    if s is None or (isinstance(s, float) and math.isnan(s)):
        return None
    s = unicodedata.normalize("NFC", str(s))
    s = re.sub(r"\s+", " ", s).strip().strip(";.,:").strip().casefold()
    if folded:
        s = unidecode(s)
    return s or None


def strip_vv(s):
    if s is None:
        return None
    return re.sub(r"^(v/v|về việc|ve viec|về|ve)\s+", "", s)


def as_list(v):
    if v is None:
        return []
    if isinstance(v, float) and math.isnan(v):
        return []
    if isinstance(v, str):
        v = v.strip()
        if not v:
            return []
        try:
            parsed = json.loads(v)
            return [str(x) for x in parsed] if isinstance(parsed, list) else [v]
        except json.JSONDecodeError:
            return [v]
    try:
        return [str(x) for x in list(v)]
    except TypeError:
        return [str(v)]


def read_table(folder: pathlib.Path, name: str) -> pd.DataFrame:
    pq, csv = folder / f"{name}.parquet", folder / f"{name}.csv"
    if pq.exists():
        return pd.read_parquet(pq)
    if csv.exists():
        return pd.read_csv(csv, dtype=str, keep_default_na=False, encoding="utf-8-sig").replace({"": None})
    sys.exit(f"score.py: no {name}.parquet or {name}.csv in {folder}")


def date_str(v):
    if v is None or (isinstance(v, float) and math.isnan(v)) or v is pd.NaT:
        return None
    try:
        if pd.isna(v):
            return None
    except (TypeError, ValueError):
        pass
    return str(v)[:10]


def num(v):
    try:
        f = float(v)
    except (TypeError, ValueError):
        return None
    return None if math.isnan(f) else round(f, 2)


def scalar_ok(field, pred, gold, folded):
    if field == "issue_year":
        return (num(pred) == num(gold))
    if field == "issue_date":
        return date_str(pred) == date_str(gold)
    p, g = norm(pred, folded), norm(gold, folded)
    if field in ("symbol", "doc_number"):
        p = p.replace(" ", "") if p else p
        g = g.replace(" ", "") if g else g
    if field == "subject":
        p, g = strip_vv(p), strip_vv(g)
    if g is None or p is None:
        return p == g
    if field in FUZZY_SCALARS:
        return fuzz.ratio(p, g) >= FUZZY_SCALARS[field]
    return p == g


def match_lists(pred, gold, folded, exact=False):
    """Greedy one-to-one matching; returns (tp, n_pred, n_gold)."""
    P = [norm(x, folded) for x in pred if norm(x, folded)]
    G = [norm(x, folded) for x in gold if norm(x, folded)]
    if exact:
        P = [x.replace(" ", "") for x in P]
        G = [x.replace(" ", "") for x in G]
    used, tp = set(), 0
    for g in G:
        best, best_i = -1, None
        for i, p in enumerate(P):
            if i in used:
                continue
            s = 100 if p == g else (0 if exact else fuzz.ratio(p, g))
            if s > best:
                best, best_i = s, i
        if best_i is not None and best >= (100 if exact else LIST_THRESHOLD):
            used.add(best_i)
            tp += 1
    return tp, len(P), len(G)


def prf(tp, n_pred, n_gold):
    p = tp / n_pred if n_pred else (1.0 if n_gold == 0 else 0.0)
    r = tp / n_gold if n_gold else (1.0 if n_pred == 0 else 0.0)
    f = 2 * p * r / (p + r) if p + r else 0.0
    return p, r, f


def score_deadlines(rows, gold, folded):
    """Match predicted dated deadline/task rows to gold deadlines by date, pairing by text."""
    golds = [g for g in gold.get("deadlines", []) if g.get("date")]
    preds = [r for r in rows if r.get("kind") in ("deadline", "task") and date_str(r.get("deadline"))]
    used, tp, rec_ok, rec_n, optional_hits = set(), 0, 0, 0, 0
    for g in sorted(golds, key=lambda g: g.get("optional", False)):
        cands = [(fuzz.partial_ratio(norm(r.get("text"), True) or "", norm(g["text"], True) or ""), i)
                 for i, r in enumerate(preds) if i not in used and date_str(r.get("deadline")) == g["date"]]
        if not cands:
            continue
        _, i = max(cands)
        used.add(i)
        if g.get("optional"):
            optional_hits += 1
            continue
        tp += 1
        rec_n += 1
        rec_ok += (norm(preds[i].get("recurrence")) == norm(g.get("recurrence")))
    n_gold = sum(1 for g in golds if not g.get("optional"))
    return tp, len(preds) - optional_hits, n_gold, rec_ok, rec_n


def score_targets(rows, gold, folded):
    golds = gold.get("targets", [])
    preds = [r for r in rows if r.get("kind") == "target"]
    used, tp, optional_hits, due_ok, due_n = set(), 0, 0, 0, 0
    for g in sorted(golds, key=lambda g: g.get("optional", False)):
        gv, gu = num(g["value"]), norm(g["unit"])
        cands = []
        for i, r in enumerate(preds):
            if i in used or num(r.get("target_value")) != gv:
                continue
            if norm(r.get("target_unit")) != gu:
                continue
            cands.append((fuzz.partial_ratio(norm(r.get("text"), True) or "", norm(g["text"], True) or ""), i))
        if not cands:
            continue
        _, i = max(cands)
        used.add(i)
        if g.get("optional"):
            optional_hits += 1
            continue
        tp += 1
        if g.get("due"):
            due_n += 1
            due_ok += date_str(preds[i].get("deadline")) == g["due"]
    n_gold = sum(1 for g in golds if not g.get("optional"))
    return tp, len(preds) - optional_hits, n_gold, due_ok, due_n


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("outputs")
    ap.add_argument("gold")
    ap.add_argument("--json", help="also write the figures to this JSON file")
    ap.add_argument("--folded", action="store_true", help="compare text with diacritics removed")
    ap.add_argument("--quiet", action="store_true", help="print only the summary")
    a = ap.parse_args()

    docs = read_table(pathlib.Path(a.outputs), "documents")
    tasks = read_table(pathlib.Path(a.outputs), "tasks")
    golds = {p.stem: json.loads(p.read_text(encoding="utf-8")) for p in sorted(pathlib.Path(a.gold).glob("*.json"))}
    if not golds:
        sys.exit(f"score.py: no gold *.json in {a.gold}")

    tasks_by_doc = {}
    for r in tasks.to_dict("records"):
        tasks_by_doc.setdefault(r.get("doc_id"), []).append(r)

    field_hits = {f: [0, 0] for f in SCALARS}
    list_counts = {f: [0, 0, 0] for f in LISTS}
    dl = [0, 0, 0]
    tg = [0, 0, 0]
    rec, due = [0, 0], [0, 0]
    per_doc, matched_gold = [], set()
    for d in docs.to_dict("records"):
        name = pathlib.PurePosixPath(str(d.get("source_path", "")).replace("\\", "/")).name
        stem = next((s for s in golds if name == s or name.startswith(s + ".")), None)
        if stem is None:
            continue
        matched_gold.add(stem)
        g = golds[stem]
        wrong = []
        for f in SCALARS:
            gv = g.get(f)
            if f == "doc_number":
                gv = f"{g['number']}/{g['symbol']}" if g.get("number") else None
            ok = scalar_ok(f, d.get(f), gv, a.folded)
            field_hits[f][0] += ok
            field_hits[f][1] += 1
            if not ok:
                wrong.append(f"{f}: got {d.get(f)!r}, want {gv!r}")
        for f in LISTS:
            tp, n_p, n_g = match_lists(as_list(d.get(f)), g.get(f, []), a.folded, exact=(f == "references"))
            for k, v in enumerate((tp, n_p, n_g)):
                list_counts[f][k] += v
        rows = tasks_by_doc.get(d.get("doc_id"), [])
        tp, n_p, n_g, r_ok, r_n = score_deadlines(rows, g, a.folded)
        dl = [dl[0] + tp, dl[1] + n_p, dl[2] + n_g]
        rec = [rec[0] + r_ok, rec[1] + r_n]
        tp2, n_p2, n_g2, d_ok, d_n = score_targets(rows, g, a.folded)
        tg = [tg[0] + tp2, tg[1] + n_p2, tg[2] + n_g2]
        due = [due[0] + d_ok, due[1] + d_n]
        per_doc.append({"source": name, "wrong": wrong,
                        "deadlines": f"{tp}/{n_g} found, {n_p} predicted",
                        "targets": f"{tp2}/{n_g2} found, {n_p2} predicted"})

    missing = sorted(set(golds) - matched_gold)
    res = {"documents_scored": len(per_doc), "gold_without_output": missing,
           "fields": {f: (h / n if n else None) for f, (h, n) in field_hits.items()},
           "lists": {f: dict(zip(("precision", "recall", "f1"), prf(*c))) for f, c in list_counts.items()},
           "deadlines": dict(zip(("precision", "recall", "f1"), prf(*dl))),
           "deadline_recurrence_accuracy": rec[0] / rec[1] if rec[1] else None,
           "targets": dict(zip(("precision", "recall", "f1"), prf(*tg))),
           "target_due_accuracy": due[0] / due[1] if due[1] else None,
           "per_document": per_doc}
    field_acc = [v for v in res["fields"].values() if v is not None]
    parts = [sum(field_acc) / len(field_acc) if field_acc else 0.0]
    parts += [res["lists"][f]["f1"] for f in LISTS] + [res["deadlines"]["f1"], res["targets"]["f1"]]
    # A gold document with no output at all scores zero in every part.
    coverage = len(matched_gold) / len(golds)
    res["overall"] = coverage * sum(parts) / len(parts)

    if not a.quiet:
        for doc in per_doc:
            print(f"== {doc['source']}: deadlines {doc['deadlines']}; targets {doc['targets']}")
            for w in doc["wrong"]:
                print("   ", w)
        if missing:
            print("gold documents with no output row:", ", ".join(missing))
        print("field accuracy:", ", ".join(f"{f} {v:.2f}" for f, v in res["fields"].items() if v is not None))
        for f, v in res["lists"].items():
            print(f"{f}: P {v['precision']:.2f} R {v['recall']:.2f} F1 {v['f1']:.2f}")
        for f in ("deadlines", "targets"):
            v = res[f]
            print(f"{f}: P {v['precision']:.2f} R {v['recall']:.2f} F1 {v['f1']:.2f}")
        print("deadline recurrence accuracy:", res["deadline_recurrence_accuracy"],
              "| target due-date accuracy:", res["target_due_accuracy"])
    if a.json:
        pathlib.Path(a.json).write_text(json.dumps(res, ensure_ascii=False, indent=1), encoding="utf-8")
    print(f"overall {res['overall']:.3f} over {len(per_doc)} output documents, {len(golds)} gold")


if __name__ == "__main__":
    main()
