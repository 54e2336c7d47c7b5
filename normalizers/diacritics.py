"""Restore diacritics (and OCR noise) on accent-less text, such as a scan OCR'd
without the Vietnamese model: `UY BAN NHAN DAN TINH` -> `ỦY BAN NHÂN DÂN TỈNH`.

Detect first: a region (the whole text, a page, or a paragraph of a marked
text) is restored only when few of its words carry marks; properly marked text takes the
fast path and comes out unchanged. Then, per stretch of words between numbers,
abbreviations and sentence punctuation, every word gets candidates (each marked
form of its folded key, from the syllable inventory, plus for OCR garbage like
`nwéc` or `S6` the syllables a few glyph confusions away, see
`normalizers.ocr_noise`), and a beam search with the shared syllable language
model (`normalizers.lm`) picks the most likely sequence. The original
capitalisation pattern is kept (`UY` -> `ỦY`, `Uy` -> `Ủy`).

Abbreviations (UBND, KH, PAR INDEX), numbers, symbols (`42/KH-UBND`, `18-NQ/TU`)
and words that are not Vietnamese syllables are left as they are, except that
abbreviations known to be written with Đ get it back (`HDND` -> `HĐND`).
See docs/diacritics.md for the figures and limits.
"""
from __future__ import annotations

import functools
import heapq
import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Protocol

from dondoc.langdata import load_tsv

from normalizers import ocr_noise, syllables
from normalizers.lm import BOS

# Detection thresholds. Clean letters have 66-88 % of their words marked (the
# least marked document of normalizers/data/lm_corpus has 66 %), accent-less
# OCR about 14 % (seed 001, where a few marks survive as noise: `nwéc`, `trén`).
DOCUMENT_MAX_MARKED = 0.40  # below this the whole text is restored
REGION_MAX_MARKED = 0.15  # inside a marked text, a paragraph this bare is restored...
REGION_MIN_WORDS = 30  # ...if it is long enough for the share to mean something

BEAM_WIDTH = 6  # histories kept per position; more costs speed, gains little
MAX_FORMS = 6  # marked forms tried per word, most frequent first
MIN_FORM_SHARE = 0.001  # forms rarer than this share of the key's top form are not tried
# Log-probability charged per unit of OCR edit cost. 1.5 reads Tesseract-eng pages a
# little better (83.7 % vs 82.8 % on rendered training letters) but over-corrects
# seed 001-style text (`đạt từ 90%` -> `đầu tư 90%`, `tiện ích` -> `tiền ích`).
NOISE_COST_WEIGHT = 2.5
NOISE_MAX_CANDIDATES = 8  # folded syllables kept for one garbled token
FOREIGN_WINDOW = 2  # a word with this many words either side...
FOREIGN_MIN_WORDS = 3  # ...of which this many are not syllables is in a foreign passage
FOREIGN_SENTENCE_SHARE = 0.3  # a sentence with this share of foreign words is left as is
NOISY_MIN_GARBAGE = 0.03  # share of non-words above which a region counts as OCR-noisy

# A word: letters, digits and the OCR symbols that stand for letters (`S6`, `x&`, `k¥`).
_TOKEN = re.compile(r"[^\W_]+(?:[&¢¥€§’']?[^\W_]+)*[&¢¥€§]?|[&¢¥€§][^\W_]*")
# A whitespace-separated chunk that is a reference number or code (`42/KH-UBND`,
# `18-NQ/TU`, `(b/c)`, an address): its parts are never words to restore.
_CODE_CHUNK = re.compile(
    r"\S*(?:[A-ZĐ][^\s/]*/|/[^\s/]*[A-ZĐ]|\d/\d|@|\w-[A-ZĐ]|[A-ZĐ]-\w|://|www\.)\S*"
)
# Punctuation that ends a stretch of words for the language model.
_BREAK = re.compile(r"[.;:!?()\[\]\"“”…]|\n\s*\n|\f|\n\s*[-+*•]")
_VOWELS = re.compile(r"[aeiouy]")
# A run of two or more capitals between non-letters: an abbreviation or a part of a code.
_CAPITALS_PART = re.compile(r"(?<![^\W\d_])[A-Z]{2,}(?![^\W\d_])")
BARE_ABBREVIATIONS_PATH = Path(__file__).parent / "data" / "bare_abbreviations.tsv"
_ROMAN = re.compile(r"[IVXLl1]+")
_PARAGRAPH = re.compile(r"(?:\n[ \t]*){2,}|\f")


class Lexicon(Protocol):
    """What restoration needs from the syllable inventory (`normalizers.syllables`)."""

    def fold(self, text: str) -> str: ...

    def marked_forms(self, folded: str) -> tuple[str, ...]: ...


class LanguageModel(Protocol):
    """What restoration needs from the syllable LM (`normalizers.lm.SyllableLM`)."""

    order: int

    def logprob(self, history: tuple[str, ...], syllable: str) -> float: ...


# ---------------------------------------------------------------- detection


def has_marks(word: str) -> bool:
    """True when a word carries a Vietnamese mark (tone, hat, horn, breve) or đ.

    >>> has_marks("Ủy"), has_marks("đơn"), has_marks("UBND")
    (True, True, False)
    """
    if "đ" in word or "Đ" in word:
        return True
    return any(unicodedata.combining(ch) for ch in unicodedata.normalize("NFD", word))


def _alpha_words(text: str) -> list[str]:
    return [w for w in re.findall(r"[^\W\d_]+", text) if len(w) > 1 or w.islower()]


def marked_share(text: str) -> tuple[float, int]:
    """(share of words carrying marks, number of words) in a text.

    >>> marked_share("Ủy ban nhân dân tỉnh Kon Tum")
    (0.571, 7)
    >>> marked_share("Uy ban nhan dan tinh Kon Tum")
    (0.0, 7)
    """
    words = _alpha_words(text)
    if not words:
        return 1.0, 0
    return round(sum(map(has_marks, words)) / len(words), 3), len(words)


def accentless_regions(text: str) -> list[tuple[int, int]]:
    """Spans (start, end) of `text` that lack diacritics and should be restored.

    The whole text when most of it is bare; otherwise each page (form feed) that
    is mostly bare (a scanned page OCR'd without the Vietnamese model among pages
    with a text layer), and in marked pages only paragraphs long and bare enough
    that they cannot be a run of names or codes in a marked letter.

    >>> accentless_regions("Can cu Nghi quyet so 18-NQ/TU cua Tinh uy")
    [(0, 41)]
    >>> accentless_regions("Căn cứ Nghị quyết số 18-NQ/TU của Tỉnh ủy")
    []
    """
    share, words = marked_share(text)
    if words == 0:
        return []
    if share < DOCUMENT_MAX_MARKED:
        return [(0, len(text))]
    regions: list[tuple[int, int]] = []
    page_start = 0
    for page_end in [*(m.start() for m in re.finditer("\f", text)), len(text)]:
        page = text[page_start:page_end]
        page_share, page_words = marked_share(page)
        if page_words >= REGION_MIN_WORDS and page_share < DOCUMENT_MAX_MARKED:
            regions.append((page_start, page_end))
        else:
            regions.extend((page_start + a, page_start + b) for a, b in _bare_paragraphs(page))
        page_start = page_end + 1
    return regions


def _bare_paragraphs(text: str) -> list[tuple[int, int]]:
    regions, start = [], 0
    for sep in [*_PARAGRAPH.finditer(text), None]:
        end = sep.start() if sep else len(text)
        part_share, part_words = marked_share(text[start:end])
        if part_words >= REGION_MIN_WORDS and part_share < REGION_MAX_MARKED:
            regions.append((start, end))
        start = sep.end() if sep else end
    return regions


def lacks_diacritics(text: str) -> bool:
    """Cheap detector for the chain: does any region of the text lack diacritics?

    >>> lacks_diacritics("UY BAN NHAN DAN TINH KON TUM")
    True
    >>> lacks_diacritics("ỦY BAN NHÂN DÂN TỈNH KON TUM")
    False
    """
    return bool(accentless_regions(text))


# ---------------------------------------------------------------- case


def apply_case(original: str, restored: str) -> str:
    """Give a restored lowercase word the capitalisation pattern of the original.

    All capitals stay capitals (`UY` -> `ỦY`, `PiCH` -> `ĐÍCH`), a capital first
    letter stays capital (`S6` -> `Số`, `DPoc` -> `Độc`), anything else is lowercase.

    >>> apply_case("UY", "ủy"), apply_case("Uy", "ủy"), apply_case("DPoc", "độc")
    ('ỦY', 'Ủy', 'Độc')
    """
    letters = [ch for ch in original if ch.isalpha()]
    uppers = sum(ch.isupper() for ch in letters)
    if len(letters) >= 2 and uppers * 2 > len(letters):
        return restored.upper()
    if original[:1].isupper() or (letters and letters[0].isupper() and not original[:1].isalpha()):
        return restored[:1].upper() + restored[1:]
    return restored


# ---------------------------------------------------------------- candidates


@dataclass(frozen=True, slots=True)
class Word:
    """One word of a stretch to restore: where it is and what it could be."""

    start: int
    end: int
    text: str
    candidates: tuple[tuple[str, float], ...]  # (lowercase marked syllable, penalty)


def _is_abbreviation(token: str) -> bool:
    letters = [ch for ch in token if ch.isalpha()]
    return len(letters) >= 2 and all(ch.isupper() for ch in letters)


def _is_roman_numeral(token: str) -> bool:
    """`I1`, `I11`, `Il` are OCR'd roman numerals (II, III), not garbled words."""
    return bool(_ROMAN.fullmatch(token)) and not token.islower()


def word_candidates(
    token: str, lexicon: Lexicon, noisy: bool = False, in_caps_heading: bool = False
) -> tuple[tuple[str, float], ...]:
    """Marked syllables a token may stand for, with a penalty (0 for a plain
    syllable; the scaled OCR edit cost for a garbled one). Empty: leave it alone.

    In a `noisy` region (OCR garbage is common there) a valid syllable may be
    garbage too (`vy` for `vụ`, `trén` for `trên`): its neighbours one confusion
    away are offered as well, and two away when OCR printed a stray mark on it.
    Capitals that are no syllable are an abbreviation (UBND), unless they sit in
    a capitals heading of a noisy region and have two vowels (`VIIT` for `VIỆT`).
    """
    folded = lexicon.fold(token).lower()
    if folded.isdigit() or _is_roman_numeral(token):
        return ()  # numbers are not words: never change a digit here
    forms = lexicon.marked_forms(folded)
    out = [(f, 0.0) for f in forms[:MAX_FORMS]]
    if forms and not noisy:
        return tuple(out)
    if len(token) == 1 and token.isalpha():
        return tuple(out)  # a lone letter is a list marker (`b)`) or an initial
    if not forms and _is_abbreviation(token):
        letters = sum(ch.isalpha() for ch in token)
        garbled_heading_word = noisy and in_caps_heading and len(_VOWELS.findall(folded)) >= 2
        if not garbled_heading_word and (letters >= 3 or not ocr_noise.has_noise_glyph(token)):
            return ()  # UBND, PAR INDEX, KH&CN: not a syllable, and written on purpose
    max_edits = ocr_noise.MAX_EDITS if (not forms or has_marks(token)) else 1
    if sum(ch.isupper() for ch in token) >= 2:
        max_edits = 1  # TTg, TTr are abbreviations; DPoc, PiCH are one confusion from Độc, ĐÍCH
    seen = set(forms[:MAX_FORMS])
    repairs = ocr_noise.repair_candidates(folded, _folded_checker(lexicon), max_edits)
    for key, cost in repairs[:NOISE_MAX_CANDIDATES]:
        if cost == 0:
            continue
        for form in lexicon.marked_forms(key)[:MAX_FORMS]:
            if form not in seen:
                seen.add(form)
                out.append((form, cost * NOISE_COST_WEIGHT))
    return tuple(out)


def is_noisy(text: str, lexicon: Lexicon) -> bool:
    """True when many words of a text are OCR garbage (not syllables, but a glyph
    confusion away from one: `nwéc`, `s6`, `cir`), so that valid-looking words
    there may be garbage too. Names, foreign words and lone letters don't count.

    >>> is_noisy("DPoc lap - Tw do - Hanh phc. Can cir Nghi quyét s6 18", AttestedForms())
    True
    >>> is_noisy("Doc lap - Tu do - Hanh phuc. Cong ty Wilmar Marketing", AttestedForms())
    False
    """
    words = [m.group() for m in _TOKEN.finditer(text)]
    words = [w for w in words if len(w) > 1 and not w.isdigit() and not _is_abbreviation(w)]
    if not words:
        return False
    garbage = 0
    for word in words:
        folded = lexicon.fold(word).lower()
        if lexicon.marked_forms(folded):
            continue
        if ocr_noise.has_noise_glyph(word) or ocr_noise.repair_candidates(folded, _folded_checker(lexicon), 1):
            garbage += 1
    return garbage / len(words) > NOISY_MIN_GARBAGE


def _folded_checker(lexicon: Lexicon) -> Callable[[str], bool]:
    """`is this folded string a syllable` for a lexicon, as one stable function, so
    `ocr_noise`'s cache of repairs is shared by every call with the same lexicon."""
    return _checker_for(lexicon.marked_forms)


@functools.lru_cache(maxsize=16)
def _checker_for(marked_forms: Callable[[str], tuple[str, ...]]) -> Callable[[str], bool]:
    def is_folded_syllable(folded: str) -> bool:
        return bool(marked_forms(folded))

    return is_folded_syllable


@functools.lru_cache(maxsize=65536)
def _word_kind(token: str, lexicon: Lexicon) -> str:
    """`foreign` (`issued`, `Kon`), `abbreviation` (UBND: capitals, no syllable),
    `capitals` (a syllable in capitals: NHAN), or `word`."""
    if _is_foreign_word(token, lexicon):
        return "foreign"
    if len(token) > 1 and token.isupper() and token.isalpha():
        is_word = bool(lexicon.marked_forms(lexicon.fold(token).lower()))
        return "capitals" if is_word else "abbreviation"
    return "word"


@functools.lru_cache(maxsize=65536)
def _cached_candidates(
    token: str, lexicon: Lexicon, noisy: bool, in_caps_heading: bool
) -> tuple[tuple[str, float], ...]:
    return word_candidates(token, lexicon, noisy, in_caps_heading)


def _is_foreign_word(token: str, lexicon: Lexicon) -> bool:
    """A plain letter word that is no syllable, no abbreviation and not one OCR
    confusion away from a syllable: `issued`, `Committee` (but not `nwéc`, `thudc`)."""
    if not token.isalpha() or _is_abbreviation(token) or has_marks(token):
        return False
    folded = lexicon.fold(token).lower()
    if lexicon.marked_forms(folded):
        return False
    return not ocr_noise.repair_candidates(folded, _folded_checker(lexicon), 1)


def stretches(text: str, start: int, end: int, lexicon: Lexicon, noisy: bool = False) -> list[list[Word]]:
    """Runs of restorable words in text[start:end], split where the language model
    should not look across: sentence punctuation, numbers, codes, abbreviations,
    and foreign passages (where most words around are not syllables: English
    `the`, `on`, `in` look like Vietnamese but must stay as they are)."""
    codes = [(m.start(), m.end()) for m in _CODE_CHUNK.finditer(text, start, end)]
    breaks = [m.start() for m in _BREAK.finditer(text, start, end)]
    tokens: list[tuple[int, str, bool, bool]] = []  # (start, token, in a code, run breaks before)
    last_end = start
    ci = bi = 0
    for m in _TOKEN.finditer(text, start, end):
        token = m.group().strip("’'")
        if not token:
            continue
        t_start = m.start() + m.group().find(token)
        broken = False
        while bi < len(breaks) and breaks[bi] < t_start:
            broken = broken or breaks[bi] >= last_end
            bi += 1
        while ci < len(codes) and codes[ci][1] <= t_start:
            ci += 1
        in_code = ci < len(codes) and codes[ci][0] <= t_start
        tokens.append((t_start, token, in_code, broken))
        last_end = m.end()
    kinds = [_word_kind(t[1], lexicon) for t in tokens]
    foreign = [kind == "foreign" for kind in kinds]
    not_words = [kind in ("foreign", "abbreviation") for kind in kinds]  # `Kon`, `KON`, UBND
    caps_words = [kind == "capitals" for kind in kinds]  # NHAN, DAN: a capitals heading around
    # A sentence with several foreign words is a foreign passage as a whole.
    sentence_of, sentences = [], [[0, 0]]  # per sentence: [words, foreign words]
    for i, (_, _, _, broken) in enumerate(tokens):
        if broken and sentences[-1][0]:
            sentences.append([0, 0])
        sentences[-1][0] += 1
        sentences[-1][1] += foreign[i]
        sentence_of.append(len(sentences) - 1)
    foreign_sentence = [f >= FOREIGN_MIN_WORDS and f >= FOREIGN_SENTENCE_SHARE * n for n, f in sentences]
    runs: list[list[Word]] = [[]]
    for i, (t_start, token, in_code, broken) in enumerate(tokens):
        if broken and runs[-1]:
            runs.append([])
        around = foreign[max(0, i - FOREIGN_WINDOW) : i + FOREIGN_WINDOW + 1]
        in_foreign = sum(around) >= FOREIGN_MIN_WORDS or foreign_sentence[sentence_of[i]]
        # A capitalised word next to a foreign word or an unknown capitalised one
        # (`Kon`, `KON`) is likely part of a name (`Kon Tum`):
        # give it marks, not a repair into some commoner syllable (`Tôm`).
        in_name = (i > 0 and not_words[i - 1]) or (i + 1 < len(tokens) and not_words[i + 1])
        word_noisy = noisy and not (in_name and token[:1].isupper())
        heading = any(caps_words[j] for j in (i - 1, i + 1) if 0 <= j < len(tokens))
        candidates = () if in_code or in_foreign else _cached_candidates(token, lexicon, word_noisy, heading)
        if candidates:
            runs[-1].append(Word(t_start, t_start + len(token), token, candidates))
        elif runs[-1]:
            runs.append([])
    return [r for r in runs if r]


# ---------------------------------------------------------------- search


def _scorer(model: LanguageModel) -> tuple[Callable[[str], object], Callable[[tuple, object], float], tuple]:
    """(encode, score, start history) for a model.

    For the shipped `SyllableLM` this reads its n-gram tables by integer id, the
    same interpolated backoff as `SyllableLM.logprob` (a test checks they agree)
    but without building tuples of strings: the search makes ~20 lookups per
    word, and this is what makes restoration fast enough. Any other model (a
    test's stand-in) is asked through `logprob` itself.
    """
    tables = ("ids", "unigram", "bigram", "trigram", "bow1", "bow2", "unseen")
    keep = max(model.order - 1, 0)
    if model.order != 3 or not all(hasattr(model, t) for t in tables):
        def score_generic(history: tuple, syllable: object) -> float:
            return model.logprob(history, syllable)  # type: ignore[arg-type]

        return (lambda s: s), score_generic, ((BOS,)[-keep:] if keep else ())
    ids = model.ids  # type: ignore[attr-defined]
    size = len(ids)
    uni, bi, tri = model.unigram.get, model.bigram.get, model.trigram.get  # type: ignore[attr-defined]
    bow1, bow2, unseen = model.bow1.get, model.bow2.get, model.unseen  # type: ignore[attr-defined]

    def encode(syllable: str) -> int:
        return ids.get(syllable, -1)

    def score(history: tuple, w: int) -> float:
        a, b = history
        backoff = 0.0
        if b >= 0:
            if a >= 0:
                if w >= 0:
                    p = tri((a * size + b) * size + w)
                    if p is not None:
                        return p
                backoff = bow2(a * size + b, 0.0)
            if w >= 0:
                p = bi(b * size + w)
                if p is not None:
                    return backoff + p
            backoff += bow1(b, 0.0)
        if w < 0:
            return backoff + unseen
        return backoff + uni(w, unseen)

    return encode, score, (-1, ids[BOS])


def best_sequence(words: list[Word], model: LanguageModel, beam: int | None = None) -> list[str]:
    """The most likely choice of one candidate per word (beam search with
    recombination of equal histories, i.e. Viterbi pruned to `beam` states)."""
    beam = beam or BEAM_WIDTH
    encode, score, start = _scorer(model)
    keep = len(start)
    # state: history keys -> (score, backpointer) where backpointer = (syllable, previous)
    states: dict[tuple, tuple[float, tuple | None]] = {start: (0.0, None)}
    for word in words:
        options = [(form, encode(form), penalty) for form, penalty in word.candidates]
        reached: dict[tuple, tuple[float, tuple | None]] = {}
        for history, (total, back) in states.items():
            for form, key, penalty in options:
                value = total + score(history, key) - penalty
                nxt = (history + (key,))[-keep:] if keep else ()
                old = reached.get(nxt)
                if old is None or value > old[0]:
                    reached[nxt] = (value, (form, back))
        if len(reached) > beam:
            reached = dict(heapq.nlargest(beam, reached.items(), key=lambda kv: kv[1][0]))
        states = reached
    _, back = max(states.values(), key=lambda v: v[0])
    chosen: list[str] = []
    while back is not None:
        chosen.append(back[0])
        back = back[1]
    return chosen[::-1]


def bare_abbreviations() -> dict[str, str]:
    """Capital abbreviations that are written with Đ, by bare form (`HDND` -> `HĐND`),
    from `data/bare_abbreviations.tsv` (built by `data/build_bare_abbreviations.py`)."""
    return _bare_abbreviations(BARE_ABBREVIATIONS_PATH)


@functools.cache
def _bare_abbreviations(path: Path) -> dict[str, str]:
    return {row["bare"]: row["marked"] for row in load_tsv(path)}


def restore_abbreviation_marks(text: str, start: int = 0, end: int | None = None) -> str:
    """Give capital abbreviations of text[start:end] their Đ back, in codes too.
    Each replacement keeps the length, so spans found before stay valid.

    >>> restore_abbreviation_marks("Thuong truc HDND tinh; Cong van so 4085/UBND-DT")
    'Thuong truc HĐND tinh; Cong van so 4085/UBND-ĐT'
    """
    end = len(text) if end is None else end
    table = bare_abbreviations()

    def swap(m: re.Match[str]) -> str:
        return table.get(m.group(), m.group())

    return text[:start] + _CAPITALS_PART.sub(swap, text[start:end]) + text[end:]


def restore_with(text: str, model: LanguageModel, lexicon: Lexicon) -> str:
    """Restore every accent-less region of `text` with a given model and lexicon."""
    regions = accentless_regions(text)
    for start, end in regions:
        text = restore_abbreviation_marks(text, start, end)
    pieces: list[str] = []
    cursor = 0
    for start, end in regions:
        noisy = is_noisy(text[start:end], lexicon)
        for words in stretches(text, start, end, lexicon, noisy):
            for word, form in zip(words, best_sequence(words, model)):
                pieces.append(text[cursor:word.start])
                pieces.append(apply_case(word.text, form))
                cursor = word.end
    pieces.append(text[cursor:])
    return "".join(pieces)


def restore_diacritics(text: str) -> str:
    """Restore marks (and OCR-garbled words) in the accent-less regions of a text.

    >>> restore_diacritics("UY BAN NHAN DAN TINH")
    'ỦY BAN NHÂN DÂN TỈNH'
    >>> restore_diacritics("Ủy ban nhân dân tỉnh")
    'Ủy ban nhân dân tỉnh'
    """
    if not lacks_diacritics(text):
        return text
    from normalizers import lm  # the shared model, loaded once, on first need

    return restore_with(text, lm.load_model(), SHIPPED_LEXICON)


class AttestedForms:
    """The shipped syllable inventory, narrowed to forms seen in the LM corpus.

    The inventory holds every phonotactically valid form (`tình`, `tĩnh`, `tịnh`...);
    trying forms never seen in administrative text only slows the search down and
    invites the model's unseen-syllable guess. When no form of a key was seen, the
    bare key itself (or the first form) stays the only candidate.

    >>> AttestedForms().marked_forms("ubnd")
    ()
    >>> AttestedForms().marked_forms("tinh")[:3]
    ('tỉnh', 'tính', 'tình')
    """

    fold = staticmethod(syllables.fold)

    @staticmethod
    @functools.cache
    def marked_forms(folded: str) -> tuple[str, ...]:
        forms = syllables.marked_forms(folded)
        counts = syllables.syllable_counts()
        top = max((counts.get(f, 0) for f in forms), default=0)
        floor = max(1, top * MIN_FORM_SHARE)
        attested = tuple(f for f in forms if counts.get(f, 0) >= floor)
        if attested:
            return attested
        return (folded,) if folded in forms else forms[:1]


SHIPPED_LEXICON = AttestedForms()
