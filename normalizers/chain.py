"""The repair chain: named steps run in a fixed order, each recorded only when it
changed the text (ftfy's fix_and_explain).

A step is a `RepairStep(name, applies, fix)`: `applies(text)` is a cheap detector
(clean text must take the fast path and come out unchanged), `fix(text)` is a
pure, idempotent `str -> str`. The driver diffs words before and after to count
what changed and keep a few before -> after examples, so steps stay simple.

Legacy-font runs (a `.VnTime` run inside a Word file) are decoded per run before
the chain, because only the run's font tells which encoding its bytes are in.

Some steps only make sense on OCR output (`OCR_ONLY_STEPS`: `ocr-marks` repairs
Tesseract's mark confusions): `steps_for` includes them only for sources read by
OCR, and then only on the pages that were OCR'd.
"""
from __future__ import annotations

import difflib
import re
from dataclasses import dataclass
from typing import Callable, Iterable

from dondoc.models import NormalizedText, Repair, Source, TextRun
from dondoc.settings import Settings
from normalizers import diacritics, fontmap, legacy_fonts, mojibake, ocr_marks, unicode as uni


@dataclass(frozen=True, slots=True)
class RepairStep:
    name: str  # the name recorded in documents.repairs and shown by --explain
    applies: Callable[[str], bool]
    fix: Callable[[str], str]


def _always(text: str) -> bool:
    return True


# Order matters: undo byte-level damage first (mojibake, legacy encodings), then
# Unicode hygiene, then the model-based repairs that need clean code points.
REPAIR_STEPS: tuple[RepairStep, ...] = (
    RepairStep("mojibake-cp1252", mojibake.looks_like_mojibake, mojibake.fix_mojibake),
    RepairStep("legacy-tcvn3", legacy_fonts.looks_like_tcvn3, legacy_fonts.decode_tcvn3),
    RepairStep("legacy-vni", legacy_fonts.looks_like_vni, legacy_fonts.decode_vni),
    RepairStep("legacy-viqr", legacy_fonts.looks_like_viqr, legacy_fonts.decode_viqr),
    RepairStep("nfc", uni.needs_nfc, uni.to_nfc),
    RepairStep("invisible-chars", uni.has_invisible_chars, uni.remove_invisible_chars),
    RepairStep("lookalikes", uni.has_lookalikes, uni.fix_lookalikes),
    RepairStep("font-map", fontmap.looks_font_mapped, fontmap.repair_font_map),
    # OCR'd text only (see steps_for): Tesseract `vie` mark confusions, `Tố quốc` -> `Tổ quốc`.
    # Before `diacritics-restored`, which it leaves the accent-less regions to.
    RepairStep("ocr-marks", ocr_marks.looks_ocr_marked, ocr_marks.repair_ocr_marks),
    RepairStep("diacritics-restored", diacritics.lacks_diacritics, diacritics.restore_diacritics),
)
# Steps that only run on text read by OCR: on typed text a rare spelling is not an error.
OCR_ONLY_STEPS = frozenset({"ocr-marks"})

STEPS_BY_NAME = {s.name: s for s in REPAIR_STEPS}

_WORD = re.compile(r"\S+")


def diff_words(before: str, after: str, max_examples: int = 3) -> tuple[int, tuple[tuple[str, str], ...]]:
    """Count changed words and keep a few (before, after) examples.

    >>> diff_words("UBND tánh Kon Tum", "UBND tỉnh Kon Tum")
    (1, (('tánh', 'tỉnh'),))
    """
    a, b = _WORD.findall(before), _WORD.findall(after)
    changed, examples = 0, []
    if len(a) == len(b):  # most repairs change words in place: compare pairwise (linear)
        for old, new in zip(a, b):
            if old != new:
                changed += 1
                if len(examples) < max_examples and (old, new) not in examples:
                    examples.append((old, new))
        return changed, tuple(examples)
    matcher = difflib.SequenceMatcher(None, a, b)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            continue
        changed += max(i2 - i1, j2 - j1)
        for old, new in zip(a[i1:i2], b[j1:j2]):
            if len(examples) < max_examples and (old, new) not in examples:
                examples.append((old, new))
        if tag in ("delete", "insert") and len(examples) < max_examples:
            examples.append((" ".join(a[i1:i2]), " ".join(b[j1:j2])))
    return changed, tuple(examples)


def run_steps(text: str, steps: Iterable[RepairStep]) -> tuple[str, tuple[Repair, ...]]:
    """Apply each step whose detector fires; record the ones that changed the text."""
    repairs: list[Repair] = []
    for step in steps:
        if not step.applies(text):
            continue
        fixed = step.fix(text)
        if fixed != text:
            changed, examples = diff_words(text, fixed)
            repairs.append(Repair(step.name, max(changed, 1), examples))
            text = fixed
    return text, tuple(repairs)


def steps_for(
    settings: Settings, text_source: str = "text", ocr_pages: tuple[bool, ...] | None = None
) -> tuple[RepairStep, ...]:
    """The steps to run on a text read from `text_source` (`text`, `pdf-text`, `ocr`).

    OCR-only steps run when text_source is `ocr`; given `ocr_pages` (one flag per
    page, pages joined by form feeds), they touch only the pages flagged (a PDF
    whose text layer covers some pages and OCR the others).
    """
    steps = REPAIR_STEPS
    if not settings.restore_diacritics:
        steps = tuple(s for s in steps if s.name != "diacritics-restored")
    if text_source != "ocr":
        return tuple(s for s in steps if s.name not in OCR_ONLY_STEPS)
    if ocr_pages is not None and not all(ocr_pages):
        steps = tuple(_on_pages(s, ocr_pages) if s.name in OCR_ONLY_STEPS else s for s in steps)
    return steps


def _on_pages(step: RepairStep, flags: tuple[bool, ...]) -> RepairStep:
    """The same step applied only to the flagged pages of a form-feed-joined text
    (to the whole text if the page count no longer matches)."""

    def fix(text: str) -> str:
        pages = text.split("\f")
        if len(pages) != len(flags):
            return step.fix(text)
        return "\f".join(step.fix(p) if flag else p for p, flag in zip(pages, flags))

    def applies(text: str) -> bool:
        pages = text.split("\f")
        if len(pages) != len(flags):
            return step.applies(text)
        return any(flag and step.applies(p) for p, flag in zip(pages, flags))

    return RepairStep(step.name, applies, fix)


def decode_runs(runs: Iterable[TextRun]) -> tuple[str, tuple[Repair, ...]]:
    """Join runs, decoding each legacy-font run by its font (TCVN3, VNI)."""
    parts: list[str] = []
    by_name: dict[str, list[tuple[str, str]]] = {}
    counts: dict[str, int] = {}
    for run in runs:
        encoding = legacy_fonts.encoding_of_font(run.font)
        if encoding is None:
            parts.append(run.text)
            continue
        decoded = legacy_fonts.decode_run(run.text, run.font)
        parts.append(decoded)
        if decoded != run.text:
            name = f"legacy-{encoding}"
            changed, examples = diff_words(run.text, decoded)
            counts[name] = counts.get(name, 0) + max(changed, 1)
            by_name.setdefault(name, []).extend(examples)
    repairs = tuple(Repair(n, counts[n], tuple(by_name[n][:3])) for n in counts)
    return "".join(parts), repairs


def normalize_text(text: str, settings: Settings | None = None, text_source: str = "text") -> NormalizedText:
    """Repair one string (no font information); `text_source="ocr"` for OCR output."""
    settings = settings or Settings()
    fixed, repairs = run_steps(text, steps_for(settings, text_source))
    return NormalizedText(text=fixed, raw_text=text, repairs=repairs)


def normalize(source: Source, settings: Settings | None = None) -> NormalizedText:
    """The normalize stage: Source -> repaired NFC text with its repair record."""
    settings = settings or Settings()
    page_texts, run_repairs = [], []
    for page in source.pages:
        text, repairs = decode_runs(page.runs)
        page_texts.append(text)
        run_repairs.extend(repairs)
    raw = "\f".join(p.text for p in source.pages)
    ocr_pages = tuple(p.ocr_confidence is not None for p in source.pages)
    if not any(ocr_pages):
        ocr_pages = None  # OCR'd without per-page confidences: treat every page as OCR'd
    steps = steps_for(settings, source.text_source, ocr_pages)
    fixed, repairs = run_steps("\f".join(page_texts), steps)
    return NormalizedText(text=fixed, raw_text=raw, repairs=_merge(tuple(run_repairs) + repairs))


def _merge(repairs: tuple[Repair, ...]) -> tuple[Repair, ...]:
    merged: dict[str, Repair] = {}
    for r in repairs:
        if r.name in merged:
            old = merged[r.name]
            merged[r.name] = Repair(r.name, old.changed + r.changed, (old.examples + r.examples)[:3])
        else:
            merged[r.name] = r
    return tuple(merged.values())


def replay(text: str, names: Iterable[str]) -> str:
    """Re-apply recorded steps by name (ftfy's apply_plan); tests check it reproduces output."""
    for name in names:
        step = STEPS_BY_NAME.get(name)
        if step is not None:
            text = step.fix(text)
    return text
