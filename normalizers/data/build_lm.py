"""Build the shipped syllable language model from `lm_corpus/`.

    .venv/bin/python normalizers/data/build_lm.py

Writes, beside this script:
- `syllable_lm.npz`: the trigram model (see `normalizers.lm`), with a digest of
  the training files and these parameters in its metadata, so a test can tell
  when the shipped model no longer matches its sources;
- `syllable_counts.tsv`: how often each syllable occurs in the training files
  (ranks `normalizers.syllables.marked_forms`);
- `lm_heldout.tsv`: the documents kept out of training, for honest evaluation.

Held out: every 10th document of `lm_corpus/manifest.tsv` (rows 10, 20, ...,
counting data rows from 1), plus any other document carrying the same document
number, so no copy of a held-out letter leaks into training.
"""
from __future__ import annotations

import csv
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent.parent))  # run as a script from anywhere

from normalizers import lm  # noqa: E402
from normalizers.syllables import inventory  # noqa: E402

CORPUS = HERE / "lm_corpus"
HOLDOUT_EVERY = 10
PARAMS = {"order": 3, "smoothing": "interpolated modified Kneser-Ney", "holdout_every": HOLDOUT_EVERY,
          "min_trigram_count": 1, "format": 1}


def manifest_rows() -> list[dict[str, str]]:
    with open(CORPUS / "manifest.tsv", encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f, delimiter="\t", quoting=csv.QUOTE_NONE))


def split_documents() -> tuple[list[str], list[str]]:
    """(training files, held-out files), as paths relative to lm_corpus/."""
    rows = manifest_rows()
    held_numbers = {r["doc_number"] for i, r in enumerate(rows, 1) if i % HOLDOUT_EVERY == 0 and r["doc_number"]}
    held = [r["file"] for i, r in enumerate(rows, 1)
            if i % HOLDOUT_EVERY == 0 or (r["doc_number"] and r["doc_number"] in held_numbers)]
    held_set = set(held)
    train = [r["file"] for r in rows if r["file"] not in held_set]
    return train, held


def main(out_dir: Path = HERE) -> None:
    train_files, held = split_documents()
    runs = []
    for name in train_files:
        runs.extend(lm.syllable_runs((CORPUS / name).read_text(encoding="utf-8")))
    tables = lm.train(runs, vocabulary_size=len(inventory()), min_trigram_count=PARAMS["min_trigram_count"])
    meta = {**PARAMS, "sources_sha256": lm.sources_digest(CORPUS, train_files, PARAMS), "training_documents": len(train_files),
            "held_out_documents": len(held), "training_syllables": sum(map(len, runs)),
            "discounts": tables["discounts"]}
    lm.save_model(tables, meta, out_dir / "syllable_lm.npz")

    counts = tables["counts"]
    with open(out_dir / "syllable_counts.tsv", "w", encoding="utf-8", newline="") as f:
        f.write("# Syllable counts in the training documents of lm_corpus/ (written by build_lm.py).\n")
        f.write("syllable\tcount\n")
        for syl in sorted(counts, key=lambda s: (-counts[s], s)):
            f.write(f"{syl}\t{counts[syl]}\n")
    with open(out_dir / "lm_heldout.tsv", "w", encoding="utf-8", newline="") as f:
        f.write("# Documents of lm_corpus/ kept out of LM training (written by build_lm.py):\n")
        f.write("# every 10th manifest row, plus documents sharing its document number.\n")
        f.write("file\n")
        for name in held:
            f.write(name + "\n")
    print(f"trained on {len(train_files)} documents, {meta['training_syllables']} syllables; "
          f"held out {len(held)}; n-grams {[len(tables[n]) for n in ('unigram', 'bigram', 'trigram')]}")


if __name__ == "__main__":
    main()
