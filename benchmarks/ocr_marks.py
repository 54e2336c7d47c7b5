"""Benchmark of the `ocr-marks` repair: Tesseract `vie` mark confusions fixed by
the syllable LM, on letters the LM never saw.

    .venv/bin/python benchmarks/ocr_marks.py --scans /tmp/ocrmarks --cache /tmp/ocrmarks/ocr
    .venv/bin/python benchmarks/ocr_marks.py --scans /tmp/ocrmarks --cache /tmp/ocrmarks/ocr --half dev

Letters: the LM's held-out documents (`normalizers/data/lm_heldout.tsv`) that are
letters (not transcripts), ordered by sha256 of their file name; the first
`--letters` are used, alternately assigned to the `dev` half (costs were tuned on it)
and the `report` half (the figures to quote). The first two pages of each are
rendered by `tests/fixtures/make_scans.py` (office, fax, photo) into `--scans` unless
it already holds them, and each page image is read with
`readers.ocr.ocr_page_image(..., "vie")`; the OCR text is cached in `--cache`, so
re-tuning costs only the repair.

Figures per variant, before and after the step:
- character accuracy: 1 - Levenshtein / len(ref), NFC, all whitespace removed (the
  definition of benchmarks/ocr.py);
- word error rate: word-level Levenshtein between OCR words and reference words
  (whitespace-split, NFC) / reference words;
- words the step changed, aligned with the reference: right -> wrong,
  wrong -> right, wrong -> other wrong (tone placement ignored here: `tụy` = `tuỵ`);
- CPU seconds per page of the step (process time, model load excluded; the
  wall time on a shared machine is higher by the load).
"""
from __future__ import annotations

import argparse
import csv
import hashlib
import json
import re
import shutil
import statistics
import subprocess
import sys
import time
import unicodedata
from pathlib import Path

from rapidfuzz.distance import Levenshtein

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from normalizers import ocr_marks  # noqa: E402

CORPUS = ROOT / "normalizers" / "data" / "lm_corpus"
HELDOUT = ROOT / "normalizers" / "data" / "lm_heldout.tsv"
VARIANT_DPI = {"clean": 300, "office": 300, "fax": 200, "photo": 300}  # as benchmarks/ocr.py


def held_out_letters(count: int) -> list[tuple[Path, str]]:
    """(path, half) of the first `count` held-out letters by sha256 of the name."""
    held = {line.strip() for line in HELDOUT.read_text(encoding="utf-8").splitlines()
            if line.strip() and not line.startswith("#") and line.strip() != "file"}
    with open(CORPUS / "manifest.tsv", encoding="utf-8") as f:
        rows = [r for r in csv.DictReader(f, delimiter="\t")
                if r["file"] in held and r["kind"] != "transcript"]
    rows.sort(key=lambda r: hashlib.sha256(r["file"].encode()).hexdigest())
    return [(CORPUS / r["file"], "dev" if i % 2 == 0 else "report") for i, r in enumerate(rows[:count])]


def render(docs: list[Path], out: Path, variants: list[str]) -> None:
    subprocess.run([sys.executable, str(ROOT / "tests" / "fixtures" / "make_scans.py"),
                    "--out", str(out), "--max-pages", "2", "--variants", ",".join(variants),
                    "--seeds", *map(str, docs)], check=True, stderr=subprocess.DEVNULL)


def ocr_pages(scans: Path, cache: Path, variants: list[str]) -> None:
    """OCR every page image not yet in the cache (cache/<variant>/<page id>.txt)."""
    from readers.ocr import ocr_page_image

    manifest = json.loads((scans / "manifest.json").read_text(encoding="utf-8"))
    work = cache / "work"
    work.mkdir(parents=True, exist_ok=True)
    for variant in variants:
        (cache / variant).mkdir(parents=True, exist_ok=True)
        for page in manifest["pages"]:
            target = cache / variant / f"{page['id']}.txt"
            if target.exists():
                continue
            raster = work / f"{page['id']}.png"
            shutil.copyfile(scans / page["variants"][variant]["img"], raster)
            result = ocr_page_image(raster, VARIANT_DPI[variant], page["page"], "vie")
            target.write_text(result.text, encoding="utf-8")
            print(f"  ocr {variant} {page['id']}", file=sys.stderr, flush=True)


def char_accuracy(ocr: str, reference: str) -> float:
    """1 - edit distance / reference length, ignoring whitespace (NFC)."""
    a = re.sub(r"\s+", "", unicodedata.normalize("NFC", ocr))
    b = re.sub(r"\s+", "", unicodedata.normalize("NFC", reference))
    return 1.0 - Levenshtein.distance(a, b) / max(1, len(b))


def words(text: str) -> list[str]:
    return unicodedata.normalize("NFC", text).split()


def word_errors(ocr: str, reference: str) -> tuple[int, int]:
    """(word-level edit distance, reference words)."""
    ref = words(reference)
    return Levenshtein.distance(words(ocr), ref), len(ref)


def change_outcomes(before: str, after: str, reference: str) -> tuple[int, int, int, list[str]]:
    """(right -> wrong, wrong -> right, wrong -> wrong, notes) over the words the step changed.

    The step changes words in place, so OCR words before and after pair up one to
    one; each OCR word is aligned to the reference by a word-level alignment.
    """
    a, b, ref = words(before), words(after), words(reference)
    if len(a) != len(b):
        return 0, 0, 0, [f"word count changed: {len(a)} -> {len(b)}"]
    aligned: dict[int, str] = {}
    for tag, i1, i2, j1, j2 in Levenshtein.opcodes(a, ref):
        if tag in ("equal", "replace") and i2 - i1 == j2 - j1:
            for k in range(i2 - i1):
                aligned[i1 + k] = ref[j1 + k]
    rw = wr = ww = 0
    notes = []
    for i, (old, new) in enumerate(zip(a, b)):
        if old == new:
            continue
        truth = aligned.get(i)
        p_old, p_new, p_truth = (_placement_free(w) for w in (old, new, truth))
        if p_old == p_truth:
            rw += 1
            kind = "right>wrong"
        elif p_new == p_truth:
            wr += 1
            kind = "wrong>right"
        else:
            ww += 1
            kind = "wrong>wrong"
        context = " ".join(a[max(0, i - 3):i]) + f" [{old} -> {new}] " + " ".join(a[i + 1:i + 3])
        notes.append(f"{kind} {context} (ref {truth})")
    return rw, wr, ww, notes


_TONE_MARKS = "\u0300\u0301\u0303\u0309\u0323"


def _placement_free(word: str | None) -> str | None:
    """The word with its tone mark moved to the end, so `tụy` and `tuỵ`, `hòa` and
    `hoà` (both spellings are in use) compare equal."""
    if word is None:
        return None
    decomposed = unicodedata.normalize("NFD", word)
    tones = "".join(ch for ch in decomposed if ch in _TONE_MARKS)
    return "".join(ch for ch in decomposed if ch not in _TONE_MARKS) + tones


def measure_confusions(pairs: list[tuple[str, str]]) -> None:
    """Print how often OCR changed each mark, over aligned (OCR word, true word)
    pairs of the same folded syllable: the channel the costs in ocr_marks.yaml price."""
    from collections import Counter

    from normalizers import syllables

    tone_seen: Counter[tuple[str, str]] = Counter()  # (true tone, OCR'd tone)
    quality = [0, 0]  # [letters with a quality mark differing, letters compared]
    dstroke = [0, 0]
    same = 0
    for ocr, true in pairs:
        o, t = ocr.lower(), true.lower()
        if o not in syllables.inventory() or t not in syllables.inventory():
            continue
        if syllables.fold(o) != syllables.fold(t):
            continue
        same += o == t
        t1, q1, d1 = ocr_marks.parts(o)
        t2, q2, d2 = ocr_marks.parts(t)
        tone_seen[(t2, t1)] += 1
        quality[0] += sum(a != b for a, b in zip(q1, q2))
        quality[1] += sum(1 for a, b in zip(q1, q2) if a or b)
        dstroke[0] += d1 != d2
        dstroke[1] += d1 or d2 or syllables.fold(o).startswith("d")
    print(f"aligned same-key words: {sum(tone_seen.values())}, read right: {same}")
    tones = ["", "huyền", "sắc", "ngã", "hỏi", "nặng"]
    print("true tone -> OCR'd tone counts (rows: true)")
    print(f"{'':8}" + "".join(f"{t or 'ngang':>8}" for t in tones))
    for true in tones:
        print(f"{true or 'ngang':8}" + "".join(f"{tone_seen[(true, seen)]:>8}" for seen in tones))
    print(f"quality marks differing: {quality[0]} of {quality[1]} marked letters")
    print(f"d/đ differing: {dstroke[0]} of {dstroke[1]} d-words")


def measure_non_syllables(pairs: list[tuple[str, str]]) -> None:
    """Print the aligned OCR words that are no syllable while the true word is one:
    what the non-syllable repairs (glyph confusions, lost marks) could fix. Words the
    step never sees (taken for abbreviations or foreign words) are listed too."""
    from collections import Counter

    from normalizers import syllables

    inventory = syllables.inventory()
    seen = Counter((o, t) for o, t in pairs if o and o.lower() not in inventory and t.lower() in inventory)
    print(f"non-syllable OCR words aligned with a true syllable: {sum(seen.values())}")
    for (ocr, true), n in seen.most_common():
        print(f"  {n:3} {ocr} -> {true}")


def aligned_pairs(ocr: str, reference: str) -> list[tuple[str, str]]:
    a, ref = words(ocr), words(reference)
    out = []
    for tag, i1, i2, j1, j2 in Levenshtein.opcodes(a, ref):
        if tag in ("equal", "replace") and i2 - i1 == j2 - j1:
            for k in range(i2 - i1):
                out.append((_letters(a[i1 + k]), _letters(ref[j1 + k])))
    return out


def _letters(word: str) -> str:
    return re.sub(r"[\W\d_]+", "", word)


# The scanned seed letters' true text (seed 001 is accent-less in the original: skipped);
# which seed an OCR'd text is, by what its first lines say.
SEED_TRUTH = {
    "000": ROOT / "tests" / "fixtures" / "gold" / "000_f4987d744d81e3f6.txt",  # font-damaged in corpus/
    "002": ROOT / "corpus" / "002_6f90c8334a2aae10.txt",
    "003": ROOT / "corpus" / "003_0adef7303f31ab3e.txt",
    "004": ROOT / "corpus" / "004_23b9d5d83946800d.txt",
}


def seed_of(text: str) -> str | None:
    head = text[:300]
    if "SGTVT" in head:
        return "004"
    if "1923" in head:
        return "003"
    if "BCĐ" in head or "BAN CHỈ" in head or "BAN CHI" in head:
        return "000"
    if "QĐ-UBND" in head or "QD-UBND" in head:
        return "002"
    return None


def seed_check(folders: list[Path]) -> None:
    """Sanity check on real scanned seed output (`dondoc run` text folders): words
    fixed and broken against the seeds' true text. Raw OCR is DOC.raw.txt when a
    repair ran, else DOC.txt."""
    print("seed scans (checked only, never tuned on):")
    for folder in folders:
        fixed_n = broken_n = other_n = errors_before = errors_after = total = 0
        examples: list[str] = []
        for path in sorted(folder.glob("*.txt")):
            if path.name.endswith(".raw.txt"):
                continue
            raw_path = path.with_name(path.stem + ".raw.txt")
            raw = (raw_path if raw_path.exists() else path).read_text(encoding="utf-8")
            seed = seed_of(raw)
            if seed is None:
                continue
            truth = SEED_TRUTH[seed].read_text(encoding="utf-8").replace("**", "")
            repaired = ocr_marks.repair_ocr_marks(raw)
            rw, wr, ww, notes = change_outcomes(raw, repaired, truth)
            e0, n = word_errors(raw, truth)
            e1, _ = word_errors(repaired, truth)
            errors_before, errors_after, total = errors_before + e0, errors_after + e1, total + n
            fixed_n, broken_n, other_n = fixed_n + wr, broken_n + rw, other_n + ww
            examples += [f"{seed}: {n}" for n in notes if not n.startswith("wrong>right")]
        print(f"  {folder}: WER {errors_before / max(1, total):.2%} -> {errors_after / max(1, total):.2%}; "
              f"wrong>right {fixed_n}, right>wrong {broken_n}, wrong>wrong {other_n}")
        for line in examples:
            print(f"    {line}")


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--scans", type=Path, default=Path("/tmp/ocrmarks"),
                    help="folder for make_scans.py output (rendered only when it has no manifest)")
    ap.add_argument("--cache", type=Path, default=None, help="OCR text cache (default SCANS/ocr)")
    ap.add_argument("--letters", type=int, default=12)
    ap.add_argument("--variants", default="office,fax,photo")
    ap.add_argument("--half", choices=("dev", "report", "all"), default="report")
    ap.add_argument("--show", type=int, default=0, help="print up to N changed words per variant")
    ap.add_argument("--measure", action="store_true",
                    help="print the mark confusions of the chosen half (how the costs were set)")
    ap.add_argument("--seed-outputs", type=Path, nargs="*", default=[],
                    help="text/ folders of `dondoc run` on the scanned seeds, to check only")
    args = ap.parse_args(argv)
    if args.seed_outputs:
        seed_check(args.seed_outputs)
        return
    variants = [v for v in args.variants.split(",") if v]
    cache = args.cache or args.scans / "ocr"
    letters = held_out_letters(args.letters)
    if not (args.scans / "manifest.json").exists():
        render([p for p, _ in letters], args.scans, variants)
    ocr_pages(args.scans, cache, variants)

    half_of = {p.stem: h for p, h in letters}
    manifest = json.loads((args.scans / "manifest.json").read_text(encoding="utf-8"))
    pages = [pg for pg in manifest["pages"]
             if args.half == "all" or half_of.get(pg["id"].rsplit("_p", 1)[0]) == args.half]
    docs = sorted({pg["id"].rsplit("_p", 1)[0] for pg in pages})
    print(f"half: {args.half} ({len(docs)} held-out letters, {len(pages)} pages: {' '.join(docs)})")
    if args.measure:
        pairs = []
        for variant in variants:
            for page in pages:
                ocr = (cache / variant / f"{page['id']}.txt").read_text(encoding="utf-8")
                pairs += aligned_pairs(ocr, (args.scans / page["ref"]).read_text(encoding="utf-8"))
        measure_confusions(pairs)
        measure_non_syllables(pairs)
        return
    ocr_marks.repair_ocr_marks("Tổ quốc")  # load the model outside the timing
    clean_changed = clean_words = 0
    for page in pages:  # the reference text itself, as if OCR had read it perfectly
        ref = (args.scans / page["ref"]).read_text(encoding="utf-8")
        fixed = ocr_marks.repair_ocr_marks(ref)
        clean_words += len(words(ref))
        clean_changed += sum(a != b for a, b in zip(words(ref), words(fixed)))
        if args.show:
            for old, new in zip(words(ref), words(fixed)):
                if old != new:
                    print(f"    clean {page['id']}: {old} -> {new}", file=sys.stderr)
    print(f"clean reference text: {clean_changed} of {clean_words} words changed "
          f"({clean_changed / max(1, clean_words):.2%})")
    print(f"{'variant':8} {'char acc before':>15} {'after':>7} {'WER before':>11} {'after':>7} "
          f"{'right>wrong':>11} {'wrong>right':>11} {'wrong>wrong':>11} {'cpu s/page':>10}")
    for variant in variants:
        acc0, acc1, seconds = [], [], []
        we0 = we1 = nref = rw = wr = ww = 0
        shown = 0
        for page in pages:
            ocr = (cache / variant / f"{page['id']}.txt").read_text(encoding="utf-8")
            ref = (args.scans / page["ref"]).read_text(encoding="utf-8")
            start = time.process_time()
            fixed = ocr_marks.repair_ocr_marks(ocr)
            seconds.append(time.process_time() - start)
            acc0.append(char_accuracy(ocr, ref))
            acc1.append(char_accuracy(fixed, ref))
            e0, n = word_errors(ocr, ref)
            e1, _ = word_errors(fixed, ref)
            we0, we1, nref = we0 + e0, we1 + e1, nref + n
            a, b, c, notes = change_outcomes(ocr, fixed, ref)
            rw, wr, ww = rw + a, wr + b, ww + c
            for note in notes:
                if shown < args.show and not note.startswith("wrong>right"):
                    print(f"    {variant} {page['id']}: {note}", file=sys.stderr)
                    shown += 1
        print(f"{variant:8} {statistics.mean(acc0):>15.2%} {statistics.mean(acc1):>7.2%} "
              f"{we0 / nref:>11.2%} {we1 / nref:>7.2%} {rw:>11} {wr:>11} {ww:>11} "
              f"{statistics.mean(seconds):>10.4f}", flush=True)


if __name__ == "__main__":
    main()
