"""A syllable trigram language model (interpolated modified Kneser-Ney) for
choosing between candidate readings: font-map repair (`tánh` or `tỉnh`?) and
diacritic restoration (`ban` is bàn, bán, bạn, bản or ban?).

Units are lowercase NFC Vietnamese syllables (`normalizers.syllables.is_syllable`).
Text is cut into runs of consecutive syllables: sentence punctuation, numbers,
abbreviations (UBND), codes and foreign words end a run, and each run starts
with the sentence-start token `<s>`. An empty history means the start of a run.

The model is trained by `normalizers/data/build_lm.py` on the documents of
`normalizers/data/lm_corpus/` (every 10th file of its manifest held out, see
`data/lm_heldout.tsv`) and shipped as `data/syllable_lm.npz`: each observed
n-gram with its interpolated log-probability and each history with its backoff
weight, the ARPA layout, so a lookup is two or three dict probes:
log P(w | a b) = stored(a b w) if seen, else bow(a b) + log P(w | b), and so on
down to the unigram, which gives unseen but valid syllables a small share.
Log-probabilities are natural logarithms.
"""
from __future__ import annotations

import functools
import hashlib
import json
import math
import re
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, Iterator

import numpy as np

from normalizers.syllables import inventory

DATA_DIR = Path(__file__).parent / "data"
MODEL_FILE = DATA_DIR / "syllable_lm.npz"
BOS = "<s>"

# Where a run of syllables ends for the model: sentence punctuation, brackets and
# quotes, a blank line, a page break, or a new list item. Commas and hyphens do not.
RUN_BREAK = re.compile(r"[.;:!?()\[\]\"“”…]|\n\s*\n|\f|\n\s*[-+*•]")
# A letter run or a number (numbers end a run of syllables).
_UNIT = re.compile(r"[^\W\d_]+|\d+")


def syllable_runs(text: str) -> Iterator[list[str]]:
    """Runs of consecutive lowercase syllables: what the model is trained and scored on.

    >>> list(syllable_runs("Căn cứ Nghị định số 30/2020/NĐ-CP; các sở, ngành thực hiện."))
    [['căn', 'cứ', 'nghị', 'định', 'số'], ['các', 'sở', 'ngành', 'thực', 'hiện']]
    """
    syllables = inventory()
    for piece in RUN_BREAK.split(text):
        run: list[str] = []
        for token in _UNIT.findall(piece):
            low = token.lower()
            if low in syllables:
                run.append(low)
            elif run:
                yield run
                run = []
        if run:
            yield run


@dataclass(frozen=True, slots=True)
class SyllableLM:
    """A backoff n-gram model over syllable ids; build with `load_model()`.

    `ids` maps each seen syllable (and `<s>`) to an id; n-grams are keyed by
    integers (a*V + b)*V + w so a lookup costs no tuple hashing.
    """

    order: int
    ids: dict[str, int]
    unigram: dict[int, float]  # id -> log P(w)
    bigram: dict[int, float]  # a*V + w -> log P(w | a)
    trigram: dict[int, float]  # (a*V + b)*V + w -> log P(w | a b)
    bow1: dict[int, float]  # a -> log backoff weight of history (a,)
    bow2: dict[int, float]  # a*V + b -> log backoff weight of history (a, b)
    unseen: float  # log P of a valid syllable never seen in training
    counts: dict[str, int]  # training counts of each syllable
    meta: dict

    def logprob(self, history: tuple[str, ...], syllable: str) -> float:
        """log P(syllable | last two of history); an empty history is a run start.

        >>> lm = load_model()
        >>> lm.logprob(("ủy", "ban"), "nhân") > lm.logprob(("ủy", "ban"), "nhận")
        True
        >>> lm.logprob(("ubnd",), "tỉnh") > lm.logprob(("ubnd",), "tánh")
        True
        """
        ids, size = self.ids, len(self.ids)
        if not history:
            history = (BOS,)
        b = ids.get(history[-1])
        a = ids.get(history[-2]) if len(history) > 1 else None
        w = ids.get(syllable)
        backoff = 0.0
        if b is not None:
            if a is not None:
                if w is not None:
                    p = self.trigram.get((a * size + b) * size + w)
                    if p is not None:
                        return p
                backoff = self.bow2.get(a * size + b, 0.0)
            if w is not None:
                p = self.bigram.get(b * size + w)
                if p is not None:
                    return backoff + p
            backoff += self.bow1.get(b, 0.0)
        if w is None:
            return backoff + self.unseen
        return backoff + self.unigram.get(w, self.unseen)

    def score(self, syllables: Iterable[str]) -> float:
        """log P of a run of syllables, from its start.

        >>> lm = load_model()
        >>> lm.score(["ủy", "ban", "nhân", "dân", "tỉnh"]) > lm.score(["ủy", "ban", "nhân", "dân", "tánh"])
        True
        """
        history: tuple[str, ...] = (BOS,)
        total = 0.0
        for syl in syllables:
            total += self.logprob(history, syl)
            history = (history + (syl,))[-(self.order - 1) :]
        return total

    def count(self, syllable: str) -> int:
        """How often `syllable` occurred in the training documents."""
        return self.counts.get(syllable, 0)


@functools.cache
def load_model(path: Path = MODEL_FILE) -> SyllableLM:
    """The shipped model, loaded once."""
    with np.load(path, allow_pickle=False) as z:
        vocab = str(z["vocab"]).split("\n")
        size = len(vocab)
        counts = z["vocab_counts"].tolist()

        def table(name: str) -> dict[int, float]:
            keys = np.cumsum(z[name + "_keys"]).tolist()  # keys are stored as deltas
            return dict(zip(keys, z[name + "_logp"].astype(np.float64).tolist()))

        meta = json.loads(str(z["meta"]))
        return SyllableLM(
            order=int(meta["order"]),
            ids={s: i for i, s in enumerate(vocab)},
            unigram=table("unigram"),
            bigram=table("bigram"),
            trigram=table("trigram"),
            bow1=table("bow1"),
            bow2=table("bow2"),
            unseen=float(meta["unseen_logp"]),
            counts={s: c for s, c in zip(vocab, counts) if c},
            meta=meta,
        )


# ---------------------------------------------------------------- training


def _discounts(counts: Iterable[int]) -> tuple[float, float, float]:
    """Modified Kneser-Ney discounts D1, D2, D3+ from the count-of-counts (Chen & Goodman)."""
    n = Counter(c for c in counts if c <= 4)
    n1, n2, n3, n4 = (max(n[i], 1) for i in (1, 2, 3, 4))
    y = n1 / (n1 + 2 * n2)
    return (max(1 - 2 * y * n2 / n1, 0.05), max(2 - 3 * y * n3 / n2, 0.05), max(3 - 4 * y * n4 / n3, 0.05))


def _discounted(count: int, d: tuple[float, float, float]) -> float:
    return count - d[min(count, 3) - 1]


def _backoff_mass(children: Iterable[int], d: tuple[float, float, float]) -> float:
    """The probability mass a history gives to its lower order: sum of its discounts."""
    return sum(d[min(c, 3) - 1] for c in children)


def train(runs: Iterable[list[str]], vocabulary_size: int, min_trigram_count: int = 1) -> dict:
    """Interpolated modified Kneser-Ney trigram tables from runs of syllables.

    Returns plain dicts keyed by syllable tuples, with natural-log probabilities:
    `unigram`, `bigram`, `trigram`, `bow1`, `bow2`, `unseen`, `counts`.
    Trigrams seen fewer than `min_trigram_count` times are not stored (they back off).
    """
    tri: Counter[tuple[str, str, str]] = Counter()
    uni_raw: Counter[str] = Counter()
    bos_bigram: Counter[tuple[str, str]] = Counter()
    for run in runs:
        padded = [BOS, *run]
        uni_raw.update(run)
        bos_bigram[(BOS, run[0])] += 1
        tri.update(zip(padded, padded[1:], padded[2:]))

    # Kneser-Ney adjusted counts: a lower-order n-gram counts the distinct words
    # seen before it, except after <s>, where nothing can precede and raw counts stand.
    bi: Counter[tuple[str, str]] = Counter(bos_bigram)
    for (_, b, c) in tri:
        bi[(b, c)] += 1
    uni: Counter[str] = Counter()
    for (_, c) in bi:
        uni[c] += 1

    d3, d2, d1 = _discounts(tri.values()), _discounts(bi.values()), _discounts(uni.values())

    uni_total = sum(uni.values())
    uni_bow = _backoff_mass(uni.values(), d1) / uni_total
    p1 = {w: _discounted(c, d1) / uni_total + uni_bow / vocabulary_size for w, c in uni.items()}
    unseen = uni_bow / vocabulary_size

    bi_total: Counter[str] = Counter()
    bi_children: dict[str, list[int]] = {}
    for (b, c), n in bi.items():
        bi_total[b] += n
        bi_children.setdefault(b, []).append(n)
    bow1 = {b: _backoff_mass(bi_children[b], d2) / bi_total[b] for b in bi_total}
    p2 = {(b, c): _discounted(n, d2) / bi_total[b] + bow1[b] * p1[c] for (b, c), n in bi.items()}

    tri_total: Counter[tuple[str, str]] = Counter()
    tri_children: dict[tuple[str, str], list[int]] = {}
    for (a, b, c), n in tri.items():
        tri_total[(a, b)] += n
        tri_children.setdefault((a, b), []).append(n)
    bow2 = {h: _backoff_mass(tri_children[h], d3) / tri_total[h] for h in tri_total}
    p3 = {
        (a, b, c): _discounted(n, d3) / tri_total[(a, b)] + bow2[(a, b)] * p2[(b, c)]
        for (a, b, c), n in tri.items()
        if n >= min_trigram_count
    }
    log = math.log
    return {
        "unigram": {w: log(p) for w, p in p1.items()},
        "bigram": {k: log(p) for k, p in p2.items()},
        "trigram": {k: log(p) for k, p in p3.items()},
        "bow1": {k: log(p) for k, p in bow1.items() if p < 1.0},
        "bow2": {k: log(p) for k, p in bow2.items() if p < 1.0},
        "unseen": log(unseen),
        "counts": dict(uni_raw),
        "discounts": {"1": d1, "2": d2, "3": d3},
    }


def save_model(tables: dict, meta: dict, path: Path = MODEL_FILE) -> None:
    """Write trained tables compactly: sorted integer keys as deltas, float16 log-probs."""
    counts = tables["counts"]
    vocab = [BOS, *sorted(counts, key=lambda s: (-counts[s], s))]
    ids = {s: i for i, s in enumerate(vocab)}
    size = len(vocab)

    def key(gram: tuple[str, ...] | str) -> int:
        value = 0
        for syl in (gram,) if isinstance(gram, str) else gram:
            value = value * size + ids[syl]
        return value

    arrays: dict[str, np.ndarray] = {
        "vocab": np.array("\n".join(vocab)),
        "vocab_counts": np.array([counts.get(s, 0) for s in vocab], dtype=np.int64),
    }
    for name in ("unigram", "bigram", "trigram", "bow1", "bow2"):
        items = sorted((key(g), lp) for g, lp in tables[name].items())
        keys = np.array([k for k, _ in items], dtype=np.int64)
        arrays[name + "_keys"] = np.diff(keys, prepend=0)
        arrays[name + "_logp"] = np.array([lp for _, lp in items], dtype=np.float16)
    meta = {**meta, "unseen_logp": tables["unseen"], "vocabulary": size,
            "ngrams": {n: len(tables[n]) for n in ("unigram", "bigram", "trigram")}}
    arrays["meta"] = np.array(json.dumps(meta, ensure_ascii=False, sort_keys=True))
    np.savez_compressed(path, **arrays)


def sources_digest(root: Path, names: Iterable[str], params: dict) -> str:
    """sha256 over the training files (relative name and bytes) and the build parameters."""
    h = hashlib.sha256(json.dumps(params, sort_keys=True).encode())
    for name in sorted(names):
        h.update(name.encode())
        h.update(hashlib.sha256((root / name).read_bytes()).digest())
    return h.hexdigest()
