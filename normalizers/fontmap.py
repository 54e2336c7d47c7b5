"""PDF font-map corruption: `UBND TàNH KON TUM`, `Āy ban`, `vißc`, `Đßc lập`.

Some PDFs map glyphs to the wrong code points: each damaged character is the
right one minus a constant, and the constant holds over a run of consecutive
code points (ệ Ỉ ỉ -> ß à á, all shifted by 0x1DE8). Which runs are hit depends
on the font, so the table differs per file, and even per font inside a file
(`ß` is `ệ` in `vißc` but `ộ` in `Đßc`). Nothing here knows a table. Instead:

1. **Detect** tokens that cannot be Vietnamese: a character outside the Vietnamese
   alphabet that one shift turns into a syllable (`ß`, `¾`, `Ā`), or a case break
   (`TàNH`), in a text whose words mostly carry marks (an accent-less OCR scan
   with stray `¢` is diacritic restoration's). Clean text has none, and takes the
   fast path.
2. **Infer offsets**: for each such token, every single-character shift that
   turns it into a valid syllable votes for its offset, weighted by the model's
   belief in that reading between its neighbours. Offsets many tokens agree on
   are this file's offsets; the damaged characters that voted for an offset,
   plus neighbours in the same code-point run, form its domain. Then valid
   syllables the model finds unlikely in context may vote too (`Sá: 42`).
3. **Choose in context**: every token touched by a domain gets candidates (each
   character kept or shifted by an inferred offset, keeping only syllables), and
   a beam search with the syllable trigram model picks the reading. A token that
   already is a syllable is changed only when the model clearly prefers the
   shifted reading (`tánh` -> `tỉnh` after `địa bàn`, but `các` stays).
4. **Apply consistently**: a foreign character read as one letter nearly every
   time is read so everywhere, also inside abbreviations (`HĐND`, `NĐ-CP`).
5. **Quotes** shifted onto an ASCII pair (`<tự diễn biến=`) are restored when the
   file shows letter damage and the pair is used only as quotes.
"""
from __future__ import annotations

import functools
import heapq
import itertools
import math
import re
import unicodedata
from collections import Counter
from dataclasses import dataclass

from normalizers.lm import BOS, RUN_BREAK, SyllableLM, load_model
from normalizers.syllables import is_syllable, vietnamese_letters

# A token for damage detection: a run of anything but spaces, ASCII digits and
# punctuation, and common typographic punctuation (a damaged letter may be a
# symbol, as `¾` in `Đ¾O`).
_TOKEN = re.compile(r"[^\s!-@\[-`{-~\u2010-\u2027\u00a0\u00ab\u00bb]+")

MIN_OFFSET = 0x80  # real font-map shifts are large; small ones would be case flips
MIN_MARKED_SHARE = 0.35  # clean letters: 66-88 % of words marked; accent-less OCR ~14 %
MIN_SUSPICIOUS = 3  # distinct tokens that cannot be Vietnamese before the detector fires
# ...and their occurrences as a share of all tokens: clean corpus letters reach at most
# 0.34 %, damaged ones at least 2.4 %; without it, a long clean text (the whole corpus
# as one string) gathers three oddities (CР, VIệt, LǷNH) and gets edited.
MIN_DAMAGED_SHARE = 0.005
MIN_VOTES = 1.5  # weighted votes an offset needs to be believed
MIN_TOKENS_PER_OFFSET = 2  # distinct damaged tokens that must agree on an offset
# A token damaged only into other Vietnamese letters (`nhõt`) is weaker evidence
# than one with a foreign character (`vißc`): typos look like that too.
LETTER_ONLY_WEIGHT = 0.5
MIN_CONTEXT_VOTES = 6.0  # support a shift needs from syllables that are valid as written
MIN_RUN_EXTENSION = 3  # confident readings that add a letter to a known offset's run
RUN_SLACK = 2  # neighbours of voting characters assumed to be in the same shifted run
CHANGE_PENALTY = 2.0  # log-prob a shift must win by when the token was already a syllable
# A foreign character read as one letter this often, this consistently, is read
# so everywhere, even in abbreviations no syllable can confirm.
MIN_CONSISTENT = 3
CONSISTENT_SHARE = 0.9
MAX_CANDIDATES = 64  # readings tried per token
BEAM = 8


def _plain(text: str) -> bool:
    """Only ASCII letters: nothing a shift could have produced (the fast path)."""
    return text.isascii() and text.isalpha()


def _is_foreign(ch: str) -> bool:
    """Neither a Vietnamese letter nor an ASCII letter (`ß`, `¾`, a control character)."""
    return not (ch.isascii() and ch.isalpha()) and ch not in vietnamese_letters()


def _foreign_chars(token: str) -> list[int]:
    """Positions of characters that are neither ASCII nor Vietnamese letters."""
    return [i for i, ch in enumerate(token) if _is_foreign(ch)]


@functools.lru_cache(maxsize=4096)
def _is_suspicious(token: str) -> bool:
    """A token real Vietnamese text would not contain, and a shift could explain:
    a syllable written with a case break (`TàNH`), or a non-syllable that one
    shift of a non-ASCII character turns into a syllable (`vißc`, `nhõt`; not
    `°C`, `µg` or a run-on like `nàythành`)."""
    if _plain(token) or is_syllable(token):
        return False
    if is_syllable(token.lower()):
        return True
    if len(token) == 1 and not unicodedata.category(token).startswith("L"):
        return False  # a lone symbol (□, →, ≤) is a symbol, not a damaged "ở"
    if token.isupper() and token.replace("Đ", "D").isascii():
        return False  # an abbreviation: NĐ, QĐ, HĐND
    return bool(_single_shifts(token))


def suspicious_tokens(text: str) -> Counter[str]:
    """Tokens that cannot be Vietnamese as written, with their counts.

    >>> sorted(suspicious_tokens("UBND TàNH KON TUM, Āy ban, 5 µg, → QĐ-UBND"))
    ['TàNH', 'Āy']
    """
    return Counter(t for t in _TOKEN.findall(text) if not _plain(t) and _is_suspicious(t))


def looks_font_mapped(text: str) -> bool:
    """Cheap detector: does the text hold several tokens that cannot be Vietnamese
    because of a foreign character or a case break? (Non-syllables made only of
    Vietnamese letters, `đôc`, are typos as often as damage: they help infer the
    shifts once the file is known damaged, but never make it so.)

    >>> looks_font_mapped("Ủy ban nhân dân tỉnh Kon Tum yêu cầu các sở, ngành thực hiện.")
    False
    >>> looks_font_mapped("UBND TàNH KON TUM; Āy ban nhân dân tánh; thực hißn nhißm vÿ")
    True
    """
    strong = {t: n for t, n in suspicious_tokens(text).items() if _evidence_strength(t) == 1.0}
    if len(strong) < MIN_SUSPICIOUS:
        return False
    if sum(strong.values()) < MIN_DAMAGED_SHARE * len(_TOKEN.findall(text)):
        return False
    return marked_share(text) >= MIN_MARKED_SHARE


def marked_share(text: str) -> float:
    """Share of words (two letters or more) with a non-ASCII character.

    A font-mapped letter keeps its marks, shifted or not; an accent-less OCR scan
    with stray symbols (`hi¢n`, `k¥`) has few, and belongs to diacritic restoration.

    >>> marked_share("Ủy ban nhân dân tỉnh Kon Tum"), marked_share("Uy ban nhan dan ti¢nh")
    (0.571, 0.2)
    """
    words = [w for w in _TOKEN.findall(text) if len(w) > 1]
    return round(sum(not w.isascii() for w in words) / len(words), 3) if words else 0.0


@dataclass(frozen=True, slots=True)
class OffsetTable:
    """The shifts inferred for one file: offset -> damaged characters it applies to.

    Characters that are not Vietnamese letters (`ß`) may take any inferred
    offset; Vietnamese letters (`á`) only the offsets whose domain holds them.
    """

    offsets: tuple[int, ...]
    domains: dict[int, frozenset[str]]

    def readings(self, ch: str) -> list[str]:
        """The characters `ch` may stand for: itself, and its shifts."""
        foreign = _is_foreign(ch)
        out = [] if foreign else [ch]
        for k in self.offsets:
            if foreign or ch in self.domains[k]:
                cp = ord(ch) + k
                if 0 <= cp < 0x110000 and chr(cp) in vietnamese_letters():
                    out.append(chr(cp))
        return out or [ch]


@functools.cache
def _shift_targets() -> tuple[str, ...]:
    """Letters a damaged character may stand for: the non-ASCII Vietnamese letters."""
    return tuple(sorted(ch for ch in vietnamese_letters() if not ch.isascii()))


@functools.lru_cache(maxsize=4096)
def _single_shifts(token: str) -> list[tuple[str, int, str]]:
    """(reading, offset, damaged char) of each one-character shift making `token` a syllable.

    A damaged character that is itself a Vietnamese letter (`õ` for `ấ`) is only
    read as a higher code point: the damage seen is true code point minus a
    positive constant, and allowing both directions would turn typos into repairs.
    """
    letters = vietnamese_letters()
    found = []
    for i, ch in enumerate(token):
        if ch.isascii() and ch.isalpha():
            continue
        is_letter = ch in letters
        for v in _shift_targets():
            k = ord(v) - ord(ch)
            if abs(k) < MIN_OFFSET or (is_letter and k < 0):
                continue
            reading = token[:i] + v + token[i + 1 :]
            if is_syllable(reading):
                found.append((reading, k, ch))
    return found


def _evidence_strength(token: str) -> float:
    return 1.0 if _foreign_chars(token) or is_syllable(token.lower()) else LETTER_ONLY_WEIGHT


def _context_unit(token: str) -> str:
    """A neighbouring token as the model sees it: a lowercase syllable, or a run start."""
    return token.lower() if is_syllable(token) else BOS


def _chars_by_offset(shifts: list[tuple[str, int, str]]) -> dict[int, set[str]]:
    out: dict[int, set[str]] = {}
    for _, k, ch in shifts:
        out.setdefault(k, set()).add(ch)
    return out


def _reading_shares(token: str, shifts: list[tuple[str, int, str]], left: tuple[str, ...], right: str,
                    model: SyllableLM, keep_penalty: float | None) -> tuple[dict[int, float], float]:
    """Unnormalised posterior mass of each offset's readings (offset 0: the token as written)."""

    def in_context(reading: str) -> float:
        low = reading.lower()
        lp = model.logprob(left, low)
        return lp + model.logprob(left[-1:] + (low,), right) if right != BOS else lp

    scored = [(in_context(reading) - (keep_penalty or 0.0), k) for reading, k, _ in shifts]
    if keep_penalty is not None:
        scored.append((in_context(token), 0))
    top = max(lp for lp, _ in scored)
    shares: dict[int, float] = {}
    for lp, k in scored:
        shares[k] = shares.get(k, 0.0) + math.exp(lp - top)
    return shares, sum(shares.values())


def _shift_votes(
    tokens: list[str], model: SyllableLM, wanted, shifts_for, keep_penalty: float | None
) -> tuple[dict[str, dict[int, float]], dict[str, dict[int, set[str]]], Counter[str]]:
    """Per token, the mean share of its readings each offset carries, scored in context.

    `wanted(token)` picks the tokens that vote, `shifts_for(token)` gives their
    (reading, offset, damaged char) shifts. When `keep_penalty` is a number the
    token as written competes too, and every shift pays that penalty.
    """
    weights: dict[str, dict[int, float]] = {}
    shifted: dict[str, dict[int, set[str]]] = {}
    occurrences: Counter[str] = Counter()
    memo: dict[tuple, tuple[dict[int, float], float]] = {}
    for i, token in enumerate(tokens):
        if not wanted(token):
            continue
        shifts = shifts_for(token)
        if not shifts:
            continue
        occurrences[token] += 1
        left = tuple(_context_unit(t) for t in tokens[max(i - 2, 0) : i])
        right = _context_unit(tokens[i + 1]) if i + 1 < len(tokens) else BOS
        key = (left, token, right)
        if key not in memo:  # administrative text repeats its phrases: score each context once
            memo[key] = _reading_shares(token, shifts, left, right, model, keep_penalty)
        shares, total = memo[key]
        if token not in shifted:
            shifted[token] = _chars_by_offset(shifts)
        mine = weights.setdefault(token, {})
        for k, share in shares.items():
            if k:
                mine[k] = mine.get(k, 0.0) + share / total
    for token, mine in weights.items():
        for k in mine:
            mine[k] /= occurrences[token]  # mean share per occurrence
    return weights, shifted, occurrences


def _greedy_offsets(
    weights: dict[str, dict[int, float]],
    shifted: dict[str, dict[int, set[str]]],
    occurrences: Counter[str],
    evidence: dict[int, set[str]],
    strength,
    min_votes: float,
) -> None:
    """Take the best-supported offsets one by one into `evidence` (offset -> damaged chars),
    each removing the tokens it explains, until no offset has enough support."""
    remaining = set(weights)
    while remaining:
        support: Counter[int] = Counter()
        voters: Counter[int] = Counter()
        for token in remaining:
            for k, w in weights[token].items():
                if k in evidence:
                    continue
                support[k] += w * occurrences[token] * strength(token)
                voters[k] += w >= 0.5
        believable = [(score, -k) for k, score in support.items()
                      if score >= min_votes and voters[k] >= MIN_TOKENS_PER_OFFSET]
        if not believable:
            break
        best = -max(believable)[1]
        # a token is explained by the offset that carries most of its vote
        explained = {t for t in remaining if weights[t].get(best, 0.0) >= 0.5}
        evidence[best] = {ch for t in explained for ch in shifted[t][best]}
        remaining -= explained


@functools.lru_cache(maxsize=8192)
def _upward_shifts(token: str) -> list[tuple[str, int, str]]:
    """Shifts of a valid syllable's non-ASCII letters up into the Vietnamese block
    (U+1EA0-U+1EF9), where the damaged files seen keep their lost letters: `sá` -> `số`."""
    found = []
    for i, ch in enumerate(token):
        if ch.isascii():
            continue
        for v in _shift_targets():
            k = ord(v) - ord(ch)
            if k >= MIN_OFFSET and 0x1EA0 <= ord(v) <= 0x1EF9:
                reading = token[:i] + v + token[i + 1 :]
                if is_syllable(reading):
                    found.append((reading, k, ch))
    return found


def infer_offsets(text: str) -> OffsetTable:
    """Infer this file's shifts from the tokens that cannot be Vietnamese.

    Each token spreads one vote per occurrence over the offsets that repair it,
    in proportion to how likely the repaired syllable is between its neighbours
    (`H¿nh phúc` is `Hạnh phúc`, not `Hảnh phúc`). Offsets are then taken
    greedily, best first, each removing the tokens it explains, until none has
    enough support left: so a handful of real shifts explain the file, not every
    offset that fits a token. Once the file is known damaged, a second round
    lets valid syllables vote too, when the model clearly prefers a shifted
    reading in context (`Sá: 42/KH` -> `Số`): a shift onto real letters leaves
    no foreign characters behind.

    >>> table = infer_offsets("UBND TàNH; thực hißn; vißc; Bưu đißn tánh; Āy ban; cāa; Cÿc Thuế; nhißm vÿ")
    >>> [hex(k) for k in table.offsets]
    ['0x1de6', '0x1de8']
    >>> "á" in table.domains[0x1DE8], "á" in table.domains[0x1DE6]
    (True, False)
    """
    model = load_model()
    tokens = _TOKEN.findall(text)
    evidence: dict[int, set[str]] = {}
    votes = _shift_votes(tokens, model, lambda t: not _plain(t) and _is_suspicious(t), _single_shifts, None)
    _greedy_offsets(*votes, evidence, _evidence_strength, MIN_VOTES)
    if evidence:
        known = set(evidence)
        weights, shifted, occurrences = _shift_votes(
            tokens, model, lambda t: not t.isascii() and is_syllable(t), _upward_shifts, CHANGE_PENALTY)
        _greedy_offsets(weights, shifted, occurrences, evidence, lambda t: 1.0, MIN_CONTEXT_VOTES)
        # Extend known runs: a letter the model, in context, clearly reads as shifted
        # by a known offset (`hã` -> `hồ` next to `sơ`) belongs to that offset's run.
        for k in known:
            support: Counter[str] = Counter()
            for token, mine in weights.items():
                if mine.get(k, 0.0) >= 0.5:
                    for ch in shifted[token][k]:
                        support[ch] += occurrences[token]
            evidence[k] |= {ch for ch, n in support.items() if n >= MIN_RUN_EXTENSION}
    letters = vietnamese_letters()
    domains = {
        k: frozenset(chr(c) for ch in chars for c in range(ord(ch) - RUN_SLACK, ord(ch) + RUN_SLACK + 1)
                     if c >= 0 and chr(c) in letters)
        for k, chars in evidence.items()
    }
    return OffsetTable(tuple(sorted(evidence)), domains)


def _candidates(token: str, table: OffsetTable) -> list[tuple[str, float]]:
    """Readings of `token` that are syllables, each with its penalty."""
    options = [table.readings(ch) for ch in token]
    if all(o == [ch] for o, ch in zip(options, token)):
        return [(token, 0.0)] if is_syllable(token) else []
    original_valid = is_syllable(token)
    out = [(token, 0.0)] if original_valid else []
    for combo in itertools.islice(itertools.product(*options), MAX_CANDIDATES):
        reading = "".join(combo)
        if reading != token and is_syllable(reading):
            out.append((reading, CHANGE_PENALTY if original_valid else 0.0))
    return out


def _best_readings(words: list[list[tuple[str, float]]], model: SyllableLM) -> list[str]:
    """Beam search over the candidates of a run of words, scored by the trigram model."""
    keep = model.order - 1
    states: dict[tuple[str, ...], tuple[float, tuple | None]] = {(): (0.0, None)}
    for candidates in words:
        reached: dict[tuple[str, ...], tuple[float, tuple | None]] = {}
        for history, (score, back) in states.items():
            for reading, penalty in candidates:
                low = reading.lower()
                total = score + model.logprob(history, low) - penalty
                nxt = (history + (low,))[-keep:]
                if nxt not in reached or total > reached[nxt][0]:
                    reached[nxt] = (total, (reading, back))
        states = dict(heapq.nlargest(BEAM, reached.items(), key=lambda kv: kv[1][0]))
    _, back = max(states.values(), key=lambda v: v[0])
    chosen = []
    while back is not None:
        chosen.append(back[0])
        back = back[1]
    return chosen[::-1]


def _repair_letters(text: str, table: OffsetTable, model: SyllableLM) -> tuple[str, dict[str, Counter[str]]]:
    """Repair every run of words; also return, per foreign character, what it was read as."""
    choices: dict[str, Counter[str]] = {}
    pieces: list[str] = []
    run: list[tuple[re.Match, list[tuple[str, float]]]] = []
    cursor = 0

    def flush() -> None:
        nonlocal cursor
        if not run:
            return
        if any(len(c) > 1 or c[0][0] != m.group() for m, c in run):
            for (m, _), reading in zip(run, _best_readings([c for _, c in run], model)):
                pieces.append(text[cursor : m.start()])
                pieces.append(reading)
                cursor = m.end()
                for i in _foreign_chars(m.group()):
                    if reading[i] != m.group()[i]:
                        choices.setdefault(m.group()[i], Counter())[reading[i]] += 1
        run.clear()

    last_end = 0
    for m in _TOKEN.finditer(text):
        if RUN_BREAK.search(text, last_end, m.start()) or re.search(r"\d", text[last_end : m.start()]):
            flush()
        last_end = m.end()
        candidates = _candidates(m.group(), table)
        if not candidates:
            flush()  # an abbreviation, a number or a word beyond repair ends the run
            continue
        run.append((m, candidates))
    flush()
    pieces.append(text[cursor:])
    return "".join(pieces), choices


def _repair_leftovers(text: str, choices: dict[str, Counter[str]]) -> str:
    """Apply the file's confident character repairs where no syllable could confirm
    them: inside abbreviations and codes (`H\x80ND` -> `HĐND`, `NĐ-CP`).

    A foreign character is mapped only when the words repaired around the file read
    it at least `MIN_CONSISTENT` times, nearly always as the same letter.
    """
    mapping = {}
    for ch, readings in choices.items():
        letter, count = readings.most_common(1)[0]
        if count >= MIN_CONSISTENT and count >= CONSISTENT_SHARE * sum(readings.values()):
            mapping[ord(ch)] = letter
    return text.translate(mapping) if mapping else text


# Curly quotes and the ASCII characters a font may shift them onto.
_QUOTE_PAIRS = (("\u201c", "\u201d"), ("\u2018", "\u2019"))


def _repair_quotes(text: str) -> str:
    """Restore “ ” shifted onto a pair of consecutive ASCII characters (`<tự do=`).

    Only when the pair is used as quotes everywhere: the first always opens
    before a letter, the second always closes after one.

    >>> _repair_quotes("những biểu hiện <tự diễn biến=, <tự chuyển hóa= trong nội bộ")
    'những biểu hiện “tự diễn biến”, “tự chuyển hóa” trong nội bộ'
    >>> _repair_quotes("nếu a<b và c=d")
    'nếu a<b và c=d'
    >>> _repair_quotes("Ban Chỉ đạo (Ban Chỉ đạo tỉnh)")
    'Ban Chỉ đạo (Ban Chỉ đạo tỉnh)'
    """
    for opening, closing in _QUOTE_PAIRS:
        if opening in text or closing in text:
            continue
        for code in range(0x21, 0x7E):
            open_ch, close_ch = chr(code), chr(code + 1)
            if open_ch == "(":
                continue  # ( ) are brackets already
            n_open, n_close = text.count(open_ch), text.count(close_ch)
            if n_open == 0 or n_open != n_close:
                continue
            opens = re.findall(rf"(?:^|(?<=[\s(]))({re.escape(open_ch)})(?=[^\W\d_])", text, re.M)
            closes = re.findall(rf"(?<=[^\W\d_.,;!?)])({re.escape(close_ch)})(?=[\s.,;:!?)]|$)", text, re.M)
            if len(opens) == n_open and len(closes) == n_close:
                return text.replace(open_ch, opening).replace(close_ch, closing)
    return text


def repair_font_map(text: str) -> str:
    """Undo font-map shifts inferred from the text itself; no shift found, no change.

    >>> repair_font_map("Ban Chá đạo; Công an tánh; Bưu đißn tánh; Hißp hội Doanh nghißp tánh; các huyßn")
    'Ban Chỉ đạo; Công an tỉnh; Bưu điện tỉnh; Hiệp hội Doanh nghiệp tỉnh; các huyện'
    """
    if not looks_font_mapped(text):
        return text
    table = infer_offsets(text)
    if not table.offsets:
        return text
    repaired, choices = _repair_letters(text, table, load_model())
    return _repair_quotes(_repair_leftovers(repaired, choices))


def shift_code_points(text: str, runs: tuple[tuple[int, int, int], ...]) -> str:
    """Damage text as a broken font map does, for tests and benchmarks: every
    character in a run (first, last) of code points becomes itself minus `offset`.

    >>> shift_code_points("Ủy ban nhân dân tỉnh", ((0x1EC7, 0x1EC9, 0x1DE8), (0x1EE5, 0x1EE7, 0x1DE6)))
    'Āy ban nhân dân tánh'
    """
    table = {cp: chr(cp - offset) for first, last, offset in runs for cp in range(first, last + 1)}
    return text.translate(table)
