"""Font-map repair: accuracy on seed 000 and on held-out letters damaged with other
shift tables, zero edits on clean text, and throughput on one core.

    .venv/bin/python benchmarks/repair_fontmap.py

Character accuracy is the share of characters equal to the true text (a shift
replaces characters one for one, so lengths match). "clean" runs every document
of the LM corpus and the clean seeds through the detector and the repair.
"""
from __future__ import annotations

import csv
import sys
import time

import yaml
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from normalizers import normalize_text  # noqa: E402
from normalizers.fontmap import looks_font_mapped, repair_font_map, shift_code_points  # noqa: E402
from normalizers.lm import load_model  # noqa: E402

CORPUS = ROOT / "normalizers" / "data" / "lm_corpus"
SEEDS = ROOT / "tests" / "fixtures" / "seeds"
GOLD = ROOT / "tests" / "fixtures" / "gold"

SCHEMES = {name: tuple(tuple(run) for run in runs) for name, runs in
           yaml.safe_load((ROOT / "tests" / "cases" / "fontmap_shifts.yaml").read_text(encoding="utf-8")).items()}


def accuracy(got: str, want: str) -> float:
    return sum(a == b for a, b in zip(got, want)) / len(want)


def held_out() -> list[Path]:
    with open(CORPUS.parent / "lm_heldout.tsv", encoding="utf-8") as f:
        return [CORPUS / r["file"] for r in csv.DictReader((l for l in f if not l.startswith("#")), delimiter="\t")]


def main() -> None:
    load_model()  # loading is paid once per process, not per letter
    damaged = next(SEEDS.glob("000_*.txt")).read_text(encoding="utf-8")
    truth = next(GOLD.glob("000_*.txt")).read_text(encoding="utf-8")
    start = time.perf_counter()
    fixed = normalize_text(damaged).text
    seconds = time.perf_counter() - start
    print(f"seed 000: character accuracy {accuracy(fixed, truth):.4%} "
          f"({sum(a != b for a, b in zip(damaged, truth))} damaged characters), {seconds:.2f} s")

    documents = [p.read_text(encoding="utf-8") for p in held_out()]
    for name, runs in SCHEMES.items():
        chars = right = hit = 0
        worst = 1.0
        damaged_chars = total = 0.0
        start = time.perf_counter()
        for clean in documents:
            bad = shift_code_points(clean, runs)
            if bad == clean:
                continue
            fixed = repair_font_map(bad)
            hit += looks_font_mapped(bad)
            chars += len(clean)
            right += sum(a == b for a, b in zip(fixed, clean))
            damaged_chars += sum(a != b for a, b in zip(bad, clean))
            total += 1
            worst = min(worst, accuracy(fixed, clean))
        seconds = time.perf_counter() - start
        print(f"{name:>24}: {int(total)} held-out letters, {int(damaged_chars)} damaged chars, "
              f"detected {hit}, character accuracy {right / chars:.4%} (worst letter {worst:.4%}), "
              f"{chars / seconds / 1e3:.0f} K chars/s")

    paths = [*sorted(CORPUS.glob("*/*.txt")), *(p for p in sorted(SEEDS.glob("*.txt")) if p.name[:3] in {"002", "003", "004"})]
    texts = [p.read_text(encoding="utf-8") for p in paths]
    size = sum(len(t.encode()) for t in texts)
    start = time.perf_counter()
    edited = sum(repair_font_map(t) != t for t in texts)
    seconds = time.perf_counter() - start
    print(f"clean: {len(texts)} documents, {edited} edited; repair_font_map on clean text "
          f"{size / seconds / 1e6:.1f} MB/s on one core ({size / 1e6:.1f} MB in {seconds:.2f} s)")


if __name__ == "__main__":
    main()
