"""Accuracy of `extract_header`, printed as figures (not collected by pytest).

usage: .venv/bin/python benchmarks/header_accuracy.py [--show-misses N]

1. Seeds: every header field of the seed letters (002-004 as shipped, 000's true
   text) against `tests/fixtures/gold/*.json`, with the scorer's comparison rules:
   issuer and subject fuzzy >= 90, list entries fuzzy >= 85, references exact,
   the rest exact after NFC, whitespace and case folding.
2. The same seeds as shipped, through the repair chain and `fill_from_citations`.
3. Breadth: doc_type and doc_number on `normalizers/data/lm_corpus/`, against
   `manifest.tsv`, over the documents whose manifest has a doc_number.
"""
from __future__ import annotations

import argparse
import csv
import json
import re
import sys
import unicodedata
from collections import Counter
from pathlib import Path

from rapidfuzz import fuzz

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from extractors.header import extract_header  # noqa: E402

GOLD = ROOT / "tests/fixtures/gold"
SEEDS = ROOT / "tests/fixtures/seeds"
CORPUS = ROOT / "normalizers/data/lm_corpus"
SCALARS = ["doc_type", "number", "symbol", "doc_number", "issue_date", "issue_year",
           "place", "issuer", "subject", "signer", "signer_title"]
LISTS = ["addressees", "recipients", "references"]


def norm(value) -> str | None:
    if value is None:
        return None
    text = unicodedata.normalize("NFC", str(value))
    text = re.sub(r"\s+", " ", text).strip().strip(";.,:").strip().casefold()
    return text or None


def scalar_ok(field: str, pred, gold) -> bool:
    if field == "issue_year":
        return (int(pred) if pred else None) == (int(gold) if gold else None)
    if field == "issue_date":
        return (str(pred)[:10] if pred else None) == (str(gold)[:10] if gold else None)
    p, g = norm(pred), norm(gold)
    if field in ("symbol", "doc_number"):
        p, g = (p.replace(" ", "") if p else p), (g.replace(" ", "") if g else g)
    if field == "subject":
        strip = lambda s: re.sub(r"^(v/v|về việc|ve viec|về|ve)\s+", "", s) if s else s  # noqa: E731
        p, g = strip(p), strip(g)
    if p is None or g is None:
        return p == g
    if field in ("issuer", "subject"):
        return fuzz.ratio(p, g) >= 90
    return p == g


def list_f1(pred, gold, exact: bool) -> float:
    P = [norm(x) for x in pred if norm(x)]
    G = [norm(x) for x in gold if norm(x)]
    used, tp = set(), 0
    for g in G:
        best, best_i = -1.0, None
        for i, p in enumerate(P):
            if i not in used:
                s = 100 if p == g else (0 if exact else fuzz.ratio(p, g))
                if s > best:
                    best, best_i = s, i
        if best_i is not None and best >= (100 if exact else 85):
            used.add(best_i)
            tp += 1
    precision = tp / len(P) if P else (1.0 if not G else 0.0)
    recall = tp / len(G) if G else (1.0 if not P else 0.0)
    return 2 * precision * recall / (precision + recall) if precision + recall else 0.0


def seed_texts() -> list[tuple[str, Path]]:
    pairs = []
    for gold in sorted(GOLD.glob("*.json")):
        true_text = GOLD / f"{gold.stem}.txt"
        seed = SEEDS / f"{gold.stem}.txt"
        pairs.append((gold.stem, true_text if true_text.exists() else seed))
    return pairs


def score_seeds() -> None:
    print("seeds (000 true text; 001 is accent-less OCR, before diacritic restoration)")
    totals: Counter[str] = Counter()
    for stem, path in seed_texts():
        gold = json.loads((GOLD / f"{stem}.json").read_text(encoding="utf-8"))
        gold.setdefault("doc_number", f"{gold['number']}/{gold['symbol']}" if gold.get("number") else None)
        header = extract_header(path.read_text(encoding="utf-8"))
        misses = []
        for field in SCALARS:
            ok = scalar_ok(field, header[field], gold.get(field))
            totals[field] += ok
            if not ok:
                misses.append(f"{field}: {header[field]!r} != {gold.get(field)!r}")
        for field in LISTS:
            f1 = list_f1(header[field], gold.get(field, []), exact=field == "references")
            totals[field] += f1
            if f1 < 1:
                misses.append(f"{field}: F1 {f1:.2f}")
        print(f"  {stem}: {len(SCALARS) + len(LISTS) - len(misses)}/{len(SCALARS) + len(LISTS)} fields right")
        for miss in misses:
            print(f"      {miss}")
    n = len(seed_texts())
    print("  per field: " + ", ".join(f"{f} {totals[f] / n:.2f}" for f in SCALARS + LISTS))


def score_seeds_end_to_end() -> None:
    """The seeds as shipped (000 font-damaged, 001 accent-less OCR) through the repair
    chain, extraction and cross-document evidence, as the flow runs them."""
    from dataclasses import replace

    from dondoc.models import DocumentRecord
    from extractors.citations import extract_citations
    from extractors.crossref import fill_from_citations
    from normalizers.chain import normalize_text

    documents, citations, golds = [], {}, {}
    for seed in sorted(SEEDS.glob("*.txt")):
        text = normalize_text(seed.read_text(encoding="utf-8")).text
        record = DocumentRecord(seed.stem, seed.name, "txt", "text", 1)
        documents.append(replace(record, **extract_header(text)))
        citations[seed.stem] = extract_citations(text)
        golds[seed.stem] = json.loads((GOLD / f"{seed.stem}.json").read_text(encoding="utf-8"))
    documents = fill_from_citations(documents, citations)
    print("seeds as shipped, through normalize_text + extract_header + fill_from_citations")
    totals: Counter[str] = Counter()
    for document in documents:
        gold = golds[document.doc_id]
        gold.setdefault("doc_number", f"{gold['number']}/{gold['symbol']}" if gold.get("number") else None)
        for field in SCALARS:
            totals[field] += scalar_ok(field, getattr(document, field), gold.get(field))
        for field in LISTS:
            totals[field] += list_f1(getattr(document, field), gold.get(field, []), exact=field == "references")
        if document.provenance:
            print(f"  {document.doc_id}: {', '.join(document.provenance)}")
    n = len(documents)
    print("  per field: " + ", ".join(f"{f} {totals[f] / n:.2f}" for f in SCALARS + LISTS))


def score_corpus(show_misses: int) -> None:
    with open(CORPUS / "manifest.tsv", encoding="utf-8", newline="") as f:
        rows = [r for r in csv.DictReader(f, delimiter="\t", quoting=csv.QUOTE_NONE) if r["doc_number"]]
    type_ok = number_ok = year_n = year_ok = 0
    by_kind: Counter[str] = Counter()
    by_kind_ok: Counter[str] = Counter()
    misses = []
    for row in rows:
        header = extract_header((CORPUS / row["file"]).read_text(encoding="utf-8"))
        t_ok = norm(header["doc_type"]) == norm(row["doc_type"])
        n_ok = (header["doc_number"] or "").replace(" ", "") == row["doc_number"].replace(" ", "")
        # Regulatory numbers carry their year (87/2025/QĐ-UBND): a check on issue_year.
        year = re.search(r"/((?:19|20)\d\d)/", row["doc_number"])
        if year:
            year_n += 1
            year_ok += header["issue_year"] == int(year.group(1))
        type_ok += t_ok
        number_ok += n_ok
        by_kind[row["kind"]] += 1
        by_kind_ok[row["kind"]] += n_ok
        if not (t_ok and n_ok):
            misses.append((row["file"], header["doc_type"], row["doc_type"], header["doc_number"], row["doc_number"]))
    n = len(rows)
    print(f"corpus: {n} documents with a doc_number in manifest.tsv")
    print(f"  doc_type   {type_ok}/{n} = {type_ok / n:.3f}")
    print(f"  doc_number {number_ok}/{n} = {number_ok / n:.3f}")
    print(f"  issue_year = year in a regulatory number: {year_ok}/{year_n} = {year_ok / year_n:.3f}")
    for kind in sorted(by_kind):
        print(f"    doc_number on {kind}: {by_kind_ok[kind]}/{by_kind[kind]}")
    for miss in misses[:show_misses]:
        print("  miss", *miss, sep=" | ")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--show-misses", type=int, default=0)
    args = parser.parse_args()
    score_seeds()
    score_seeds_end_to_end()
    score_corpus(args.show_misses)


if __name__ == "__main__":
    main()
