"""Damage clean documents each way, repair them through the full chain, print accuracy and speed.

Damage kinds: TCVN3 / VNI / VIQR surfaces (as a cp1252 reader shows them), UTF-8 read as
cp1252 (once and twice) or latin-1, and NFD. Character accuracy is
1 - Levenshtein(repaired, clean) / len(clean), where "clean" is what the chain makes of
the undamaged document (identical to it except for real look-alike damage such as
Cyrillic `СР` in `NĐ-СР`). The "clean" line counts documents with any edit. ftfy's
fix_encoding is run on the mojibake kinds for comparison. The legacy .doc files of
tests/fixtures/legacy/ go through LibreOffice and are compared with their transcripts
(whitespace collapsed).

    .venv/bin/python benchmarks/repair_encodings.py [--limit N] [--no-doc]
"""
from __future__ import annotations

import argparse
import re
import sys
import tempfile
import time
import unicodedata
from pathlib import Path

import ftfy
from rapidfuzz.distance import Levenshtein

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from normalizers import normalize_text  # noqa: E402
from normalizers import legacy_fonts, mojibake, unicode as uni  # noqa: E402
from normalizers.chain import REPAIR_STEPS  # noqa: E402

CORPUS = ROOT / "normalizers" / "data" / "lm_corpus"
OUR_STEPS = {"mojibake-cp1252", "legacy-tcvn3", "legacy-vni", "legacy-viqr", "nfc",
             "invisible-chars", "lookalikes"}


def as_cp1252(data: bytes) -> str:
    """What the .txt reader does with non-UTF-8 bytes: cp1252, undefined bytes via latin-1."""
    return "".join(bytes([b]).decode("cp1252", errors="ignore") or chr(b) for b in data)


DAMAGE = {
    "tcvn3": lambda t: legacy_fonts.encode_legacy(t, "tcvn3"),
    "vni": lambda t: legacy_fonts.encode_legacy(t, "vni"),
    "viqr": lambda t: legacy_fonts.encode_legacy(t, "viqr"),
    "mojibake-cp1252": lambda t: as_cp1252(t.encode("utf-8")),
    "mojibake-cp1252-twice": lambda t: as_cp1252(as_cp1252(t.encode("utf-8")).encode("utf-8")),
    "mojibake-latin1": lambda t: t.encode("utf-8").decode("latin-1"),
    "nfd": lambda t: unicodedata.normalize("NFD", t),
}


def accuracy(out: str, truth: str) -> float:
    return 1 - Levenshtein.distance(out, truth) / max(len(truth), 1)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--limit", type=int, default=0, help="documents to use (0 = all)")
    parser.add_argument("--no-doc", action="store_true", help="skip the LibreOffice .doc check")
    args = parser.parse_args()
    files = sorted(CORPUS.rglob("*.txt"))
    if args.limit:
        files = files[: args.limit]
    texts = [f.read_text(encoding="utf-8") for f in files]
    total_chars = sum(len(t) for t in texts)
    print(f"{len(texts)} documents, {total_chars:,} characters")

    # clean text: zero edits, and the fast path's speed
    edited, references = [], []
    start = time.process_time()
    for f, t in zip(files, texts):
        result = normalize_text(t)
        references.append(result.text)
        if result.text != t:
            edited.append((f.name, result.repair_names))
    full = time.process_time() - start
    ours = [s for s in REPAIR_STEPS if s.name in OUR_STEPS]
    start = time.process_time()
    for t in texts:
        for s in ours:
            s.applies(t)
    detect = time.process_time() - start
    print(f"clean: {len(edited)} documents edited {edited[:8]}")
    print(f"clean throughput, encoding detectors only: {total_chars / detect / 1e6:.1f} M chars/s (one core)")
    print(f"clean throughput, full chain: {total_chars / full / 1e6:.1f} M chars/s (one core)")

    for kind, damage in DAMAGE.items():
        scores, folded, names, ftfy_scores = [], [], {}, []
        seconds = repair_seconds = 0.0
        for t, reference in zip(texts, references):
            damaged = damage(t)
            start = time.process_time()
            result = normalize_text(damaged)
            seconds += time.process_time() - start
            start = time.process_time()
            for step in ours:  # our steps alone, without the chain's word diff
                if step.applies(damaged):
                    damaged = step.fix(damaged)
            repair_seconds += time.process_time() - start
            damaged = damage(t)
            if kind.startswith("mojibake"):
                ftfy_scores.append(accuracy(ftfy.fix_encoding(damaged), reference) * len(t))
            t = reference
            scores.append(accuracy(result.text, t) * len(t))
            folded.append(accuracy(result.text.lower(), t.lower()) * len(t))
            for n in result.repair_names:
                names[n] = names.get(n, 0) + 1
            if not unicodedata.is_normalized("NFC", result.text):
                names["NOT-NFC"] = names.get("NOT-NFC", 0) + 1
        print(f"{kind:22s} accuracy {sum(scores) / total_chars:.4%}  ignoring case "
              f"{sum(folded) / total_chars:.4%}  chain {total_chars / seconds / 1e6:.2f} M chars/s, "
              f"encoding steps alone {total_chars / repair_seconds / 1e6:.2f} M chars/s  repairs {names}"
              + (f"  | ftfy {sum(ftfy_scores) / total_chars:.4%}" if ftfy_scores else ""))

    if not args.no_doc:
        legacy_docs()


def legacy_docs() -> None:
    from dondoc.models import Page, Source
    from normalizers import normalize
    from readers.legacy_doc import convert_to_docx, docx_runs

    folder = ROOT / "tests" / "fixtures" / "legacy"
    docs = sorted(folder.glob("*.doc"))
    squash = lambda s: re.sub(r"\s+", " ", s).strip()  # noqa: E731
    with tempfile.TemporaryDirectory() as tmp:
        start = time.perf_counter()
        converted = convert_to_docx(docs, Path(tmp))
        seconds = time.perf_counter() - start
        errors = chars = 0
        for doc, docx in zip(docs, converted):
            source = Source(path=str(docx), source_path=doc.name, doc_id="b", source_format="doc",
                            text_source="text", pages=(Page(1, docx_runs(docx)),))
            out = squash(normalize(source).text)
            truth = squash(doc.with_suffix(".txt").read_text(encoding="utf-8"))
            distance = Levenshtein.distance(out, truth)
            errors, chars = errors + distance, chars + len(truth)
            print(f"  .doc {doc.stem:38s} {1 - distance / len(truth):.4%}")
    print(f".doc via LibreOffice   accuracy {1 - errors / chars:.4%} over {len(docs)} files "
          f"({seconds:.1f} s to convert them in one call)")


if __name__ == "__main__":
    main()
