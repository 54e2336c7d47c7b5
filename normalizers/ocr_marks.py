"""Repair the mark confusions of Tesseract's Vietnamese model (`vie`) with the
shared syllable language model: `Tố quốc` -> `Tổ quốc`, `chính quyên` ->
`chính quyền`, `đấy mạnh` -> `đẩy mạnh`, and bold capitals that lost their marks
(`TM. UY BAN NHAN DAN` -> `TM. ỦY BAN NHÂN DÂN`).

`vie` output is marked text, mostly right: unlike the accent-less restorer
(`normalizers.diacritics`), the word as OCR'd is strong evidence. Each word keeps
its observed form at no cost and may become another marked form of the same
folded key (`quyên` -> quyền, quyến, ...) at a price: a cost per changed tone
mark, a higher one per changed hat, horn or breve, one for d/đ
(`normalizers/data/ocr_marks.yaml`, with what was measured). The beam search of
`normalizers.diacritics` (`best_sequence`, same stretches, same model) then
changes a word only when the language model gains more than the price.

Capitals without any mark next to other capitals (a bold heading or signature
block: `UY BAN NHAN DAN`, `CHU TỊCH`) are treated like accent-less text: all
their forms are offered almost free.

A word that is not a syllable may become one a priced step away
(`normalizers/data/ocr_marks.yaml`): the letters of a syllable under impossible
marks (`nưóc` -> nước, `thơì` -> thời), heading capitals that lost their marks and
are no syllable without them (`THUE QUOC TE` -> `THUẾ QUỐC TẾ`), one vowel printed
twice with two marks, or one glyph confusion (`nhiệrn` -> nhiệm). Otherwise it is
left alone and ends the model's run.

Left alone, as by the restorer: numbers, codes (`42/KH-UBND`), abbreviations
(`UBND`), names and words with no syllable near (`Kon`, garbage), unmarked
non-syllables (`.doc`, `IT`), foreign passages, and regions of the text that are
accent-less as a whole (that is `diacritics-restored`'s job).
"""
from __future__ import annotations

import functools
import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from dondoc.langdata import load_yaml

from normalizers import diacritics, syllables

COSTS_FILE = Path(__file__).parent / "data" / "ocr_marks.yaml"

TONES = {"\u0300": "huyền", "\u0301": "sắc", "\u0303": "ngã", "\u0309": "hỏi", "\u0323": "nặng"}
QUALITY = frozenset("\u0302\u0306\u031b")  # hat (â ê ô), breve (ă), horn (ơ ư)
MAX_MARKED_IN_BARE_LINE = 0.5  # a capitals line with at most this share of marked words lost them


@dataclass(frozen=True, slots=True)
class Costs:
    """Penalties (natural-log units, like the LM's scores) for changing an OCR'd word."""

    tone: float  # a different tone mark, unless listed in tone_pairs
    tone_pairs: dict[tuple[str, str], float]  # (OCR'd tone, candidate tone) -> cost
    quality: float  # per vowel whose hat, horn or breve differs
    d_stroke: float  # d <-> đ
    bare_capitals: float  # per changed mark on a capital word without marks in a heading
    max_forms: int  # candidate forms tried per word, most frequent first
    min_count: int  # a candidate form must occur this often in the LM corpus
    name: float  # added to any change of a capitalised word next to another (a name)
    glyphs: tuple[tuple[str, str, float], ...] = ()  # (OCR'd glyphs, true glyphs, cost) in non-syllables
    unmarked_form: float = 8.0  # a non-syllable word read as a marked form of its folded key
    double_mark: float = 6.0  # a non-syllable with two toned vowels side by side, one dropped


@functools.cache
def load_costs(path: Path = COSTS_FILE) -> Costs:
    data = load_yaml(path)
    pairs = {}
    for key, value in (data.get("tone_pairs") or {}).items():
        seen, meant = (part.strip() for part in key.split(">"))
        pairs[(seen, meant)] = float(value)
    return Costs(
        tone=float(data["tone"]),
        tone_pairs=pairs,
        quality=float(data["quality"]),
        d_stroke=float(data["d_stroke"]),
        bare_capitals=float(data["bare_capitals"]),
        max_forms=int(data["max_forms"]),
        min_count=int(data["min_count"]),
        name=float(data["name"]),
        glyphs=tuple((str(rule["ocr"]), str(true), float(rule["cost"]))
                     for rule in data.get("glyphs") or () for true in rule["was"]),
        unmarked_form=float(data.get("unmarked_form", 8.0)),
        double_mark=float(data.get("double_mark", 6.0)),
    )


@functools.lru_cache(maxsize=65536)
def parts(syllable: str) -> tuple[str, tuple[str, ...], bool]:
    """(tone name or "", the quality marks of each letter, has đ) of a lowercase syllable.

    >>> parts("quyền")
    ('huyền', ('', '', '', '\u0302', ''), False)
    >>> parts("đẩy")[0], parts("đẩy")[2]
    ('hỏi', True)
    """
    tone = ""
    quality: list[str] = []
    for ch in syllable:
        marks = unicodedata.normalize("NFD", ch)[1:]
        quality.append("".join(m for m in marks if m in QUALITY))
        for m in marks:
            if m in TONES:
                tone = TONES[m]
    return tone, tuple(quality), "đ" in syllable


def change_cost(seen: str, meant: str, costs: Costs) -> float | None:
    """The price of reading `meant` where OCR printed `seen` (same folded key);
    None when they differ only in where the tone sits (`hoà`/`hòa`: not a repair).

    >>> c = load_costs()
    >>> change_cost("quyên", "quyền", c) == c.tone_pairs.get(("", "huyền"), c.tone)
    True
    >>> change_cost("hòa", "hoà", c) is None
    True
    """
    t1, q1, d1 = parts(seen)
    t2, q2, d2 = parts(meant)
    if len(q1) != len(q2):
        return None
    cost = 0.0
    if t1 != t2:
        cost += costs.tone_pairs.get((t1, t2), costs.tone)
    cost += costs.quality * sum(a != b for a, b in zip(q1, q2))
    if d1 != d2:
        cost += costs.d_stroke
    return cost if cost > 0 or seen == meant else None


def mark_changes(seen: str, meant: str) -> int:
    """How many marks differ (tone, hats, đ): the bare-capitals price is per mark."""
    t1, q1, d1 = parts(seen)
    t2, q2, d2 = parts(meant)
    return (t1 != t2) + sum(a != b for a, b in zip(q1, q2)) + (d1 != d2)


_CANDIDATES: dict[tuple[int, str, bool], tuple[tuple[str, float], ...]] = {}


def candidates(token: str, bare_heading: bool, costs: Costs) -> tuple[tuple[str, float], ...]:
    """(lowercase syllable, penalty) choices for one OCR'd word; empty: leave it alone.

    >>> candidates("Tố", False, load_costs())[:2]
    (('tố', 0.0), ('tổ', 3.5))
    """
    key = (id(costs), token, bare_heading)
    found = _CANDIDATES.get(key)
    if found is None:
        if len(_CANDIDATES) > 100_000:
            _CANDIDATES.clear()
        found = _CANDIDATES[key] = _candidates(token, bare_heading, costs)
    return found


def _candidates(token: str, bare_heading: bool, costs: Costs) -> tuple[tuple[str, float], ...]:
    seen = token.lower()
    if seen not in syllables.inventory():
        return _repairs(token, seen, bare_heading, costs)
    key = syllables.fold(seen)
    counts = syllables.syllable_counts()
    out: list[tuple[str, float]] = [(seen, 0.0)]
    tried = 0
    for form in diacritics.SHIPPED_LEXICON.marked_forms(key):
        if tried >= costs.max_forms:
            break
        if form == seen or counts.get(form, 0) < costs.min_count:
            continue
        tried += 1
        if bare_heading:  # priced like accent-less text: a little per mark added
            changes = mark_changes(seen, form)
            cost = costs.bare_capitals * changes if changes else None  # None: tone placement only
        else:
            cost = change_cost(seen, form, costs)
        if cost is not None:
            out.append((form, cost))
    return tuple(out)


def _glyph_edits(seen: str, costs: Costs) -> dict[str, float]:
    """Strings one glyph confusion away from `seen` (lowercase, marks kept), with its cost."""
    out: dict[str, float] = {}
    for ocr, true, cost in costs.glyphs:
        start = seen.find(ocr)
        while start >= 0:
            edited = seen[:start] + true + seen[start + len(ocr):]
            if edited and cost < out.get(edited, float("inf")):
                out[edited] = cost
            start = seen.find(ocr, start + 1)
    return out


def _repairs(token: str, seen: str, bare_heading: bool, costs: Costs) -> tuple[tuple[str, float], ...]:
    """Choices for an OCR'd word that is not a syllable (`THUE`, `nưóc`, `nhiệrn`):
    the syllables one priced glyph confusion away, keeping the word's marks, and for
    a word whose letters are a syllable's but not its marks, that syllable's forms.
    The token itself stays a choice at no cost (the model scores it as unseen)."""
    inventory = syllables.inventory()
    counts = syllables.syllable_counts()
    found: dict[str, float] = {}

    def offer(form: str, cost: float) -> None:
        if form in inventory and counts.get(form, 0) >= costs.min_count and cost < found.get(form, float("inf")):
            found[form] = cost

    for edited, cost in _glyph_edits(seen, costs).items():
        offer(edited, cost)
    for i in range(len(seen) - 1):  # one vowel printed twice with two marks: `Rèòn`, `ĐÁẢNG`
        if parts(seen[i])[0] and parts(seen[i + 1])[0]:
            offer(seen[:i] + seen[i + 1:], costs.double_mark)
            offer(seen[:i + 1] + seen[i + 2:], costs.double_mark)
    key = syllables.fold(seen)
    # The letters of a syllable with impossible marks (`nưóc`, `chửc`, `thơì`), or a
    # heading's capitals that lost theirs (`THUE`); a plain unmarked word elsewhere
    # is more often foreign or a file name (`.doc`, `IT`, `BAT`) than a lost mark.
    if key.isalpha() and (bare_heading or diacritics.has_marks(seen)):
        forms = [f for f in diacritics.SHIPPED_LEXICON.marked_forms(key)
                 if counts.get(f, 0) >= costs.min_count][:costs.max_forms]
        for form in forms:
            if bare_heading:
                offer(form, costs.bare_capitals * max(1, mark_changes(seen, form)))
            else:
                offer(form, costs.unmarked_form)
    if not found:
        return ()  # a name (`Kon`), garbage or a broken word: nothing to weigh
    return ((seen, 0.0), *sorted(found.items(), key=lambda kv: kv[1]))


def _is_capitals(token: str) -> bool:
    return len(token) > 1 and token.isupper() and token.isalpha()


def _is_title(token: str) -> bool:
    return token[:1].isupper() and not _is_capitals(token)


# A blank line OCR put inside a sentence (a text block split in two): the line before
# ends in a letter or comma and the next starts lowercase. Not a break for the model.
_SPLIT_PARAGRAPH = re.compile(r"(?:(?<=[^\W\d_])|(?<=,))\n[ \t]*\n\s*(?=[^\W\d_])")
_LINE = re.compile(r"[^\n]+")
_CAPS_WORD = re.compile(r"(?<![^\W\d_])[^\W\d_a-zđ]{2,}(?![^\W\d_])")
# The token before / after a word, across spaces and line breaks (at most one blank line).
_GAP = r"[ \t]*(?:\n[ \t]*){0,2}"
_TOKEN_BEFORE = re.compile(r"([^\W_][\w’'`”°?]*)" + _GAP + "$")
_TOKEN_AFTER = re.compile("^" + _GAP + r"([\w’'`”°?]*[^\W_])")


def _joined(text: str) -> str:
    """`text` with OCR's sentence-splitting blank lines made single line breaks
    (same length: offsets stay valid)."""
    def join(m: re.Match[str]) -> str:
        if not m.string[m.end()].islower():
            return m.group()
        return "\n" + " " * (len(m.group()) - 1)

    return _SPLIT_PARAGRAPH.sub(join, text)


def _bare_capital_lines(text: str) -> list[tuple[int, int]]:
    """Spans of lines set in capitals that lost most of their marks (a bold heading
    or signature block read by OCR: `TM. UY BAN NHAN DAN`, `CHU TỊCH`)."""
    spans = []
    inventory = syllables.inventory()
    for line in _LINE.finditer(text):
        caps = _CAPS_WORD.findall(line.group())
        if len(caps) < 2 or sum(c.isupper() for c in line.group()) < 0.6 * sum(c.isalpha() for c in line.group()):
            continue
        words = [w for w in caps if w.lower() in inventory]
        if words and sum(map(diacritics.has_marks, words)) <= MAX_MARKED_IN_BARE_LINE * len(words):
            spans.append(line.span())
    return spans


def _in_name(text: str, word: diacritics.Word) -> bool:
    """A capitalised word next to another capitalised word, on the same line or
    across one line break: part of a name (`xã Đạ Sar`, `Tân Thanh`, `Lê Ngọc Tuấn`),
    whose syllables the model cannot judge."""
    if not _is_title(word.text):
        return False
    before = _TOKEN_BEFORE.search(text, max(0, word.start - 40), word.start)
    after = _TOKEN_AFTER.search(text[word.end:word.end + 40])
    return any(m is not None and m.group(1)[:1].isupper() for m in (before, after))


def _bare_heading_word(word: diacritics.Word, bare: list[tuple[int, int]]) -> bool:
    return (_is_capitals(word.text) and not diacritics.has_marks(word.text)
            and any(a <= word.start < b for a, b in bare))


def _runs(words: list[diacritics.Word], text: str, bare: list[tuple[int, int]], costs: Costs
          ) -> list[list[diacritics.Word]]:
    """Re-price a stretch's words for OCR'd text; a word that is not a syllable ends a run."""
    runs: list[list[diacritics.Word]] = [[]]
    for word in words:
        bare_heading = _bare_heading_word(word, bare)
        options = candidates(word.text, bare_heading, costs)
        if len(options) > 1 and not bare_heading and _in_name(text, word):
            options = tuple((form, cost + costs.name if cost else cost) for form, cost in options)
        if options:
            runs[-1].append(diacritics.Word(word.start, word.end, word.text, options))
        elif runs[-1]:
            runs.append([])
    return [r for r in runs if r]


def repair_with(text: str, model: diacritics.LanguageModel, costs: Costs | None = None) -> str:
    """Repair the marks of OCR'd `text` with a given model (any `order`/`logprob` model)."""
    costs = costs or load_costs()
    lexicon = diacritics.SHIPPED_LEXICON
    spans, start = [], 0
    for a, b in diacritics.accentless_regions(text):  # left to `diacritics-restored`
        if a > start:
            spans.append((start, a))
        start = max(start, b)
    if start < len(text):
        spans.append((start, len(text)))
    view = _joined(text)
    bare = _bare_capital_lines(text)
    pieces: list[str] = []
    cursor = 0
    for span_start, span_end in spans:
        for words in diacritics.stretches(view, span_start, span_end, lexicon):
            for run in _runs(words, view, bare, costs):
                if all(len(w.candidates) == 1 for w in run):
                    continue
                for word, form in zip(run, diacritics.best_sequence(run, model)):
                    if form == word.text.lower():
                        continue
                    pieces.append(text[cursor:word.start])
                    pieces.append(diacritics.apply_case(word.text, form))
                    cursor = word.end
    pieces.append(text[cursor:])
    return "".join(pieces)


def looks_ocr_marked(text: str) -> bool:
    """The chain's detector: some word carries a Vietnamese mark (accent-less text
    is `diacritics-restored`'s)."""
    return any(diacritics.has_marks(w) for w in text.split())


def repair_ocr_marks(text: str) -> str:
    """Repair Tesseract `vie` mark confusions where the language model is confident.

    >>> repair_ocr_marks("Ủy ban Mặt trận Tố quốc Việt Nam tỉnh")
    'Ủy ban Mặt trận Tổ quốc Việt Nam tỉnh'
    >>> repair_ocr_marks("Ủy ban Mặt trận Tổ quốc Việt Nam tỉnh")
    'Ủy ban Mặt trận Tổ quốc Việt Nam tỉnh'
    """
    if not text.strip():
        return text
    from normalizers import lm  # the shared model, loaded once, on first need

    return repair_with(text, lm.load_model())
