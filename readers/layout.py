"""Turn Tesseract's word table (`tsv` output) into page text in reading order.

The reading order itself (header and foot columns read left block first, each
block whole, line breaks kept) is `readers.columns`, shared with the PDF
reader; this module reads the tsv, drops specks, and mends what OCR alone gets
wrong at the start of a list line.
"""
from __future__ import annotations

import csv
import io
import statistics
from dataclasses import dataclass

from readers.columns import Block, Box, Line, page_blocks

# A line with no two-letter word is kept only when read with at least this confidence...
SPECK_CONFIDENCE = 80.0
# ... and when some mark on it is at least this share of the page's median word
# height: the circumflex Tesseract cuts off a bold `Lê` or `Tuấn` in a signature
# block ("ấ", read with 90 % confidence) is a quarter of a word's height.
SPECK_HEIGHT_SHARE = 0.4
# Glyphs Tesseract prints for a list dash at the start of a line (`~ Bảo hiểm xã
# hội tỉnh;` where the page has `- Bảo hiểm ...`; also em/en dashes, minus, `=`,
# `«`, `_`, `¬`, curly quotes). Such a lone glyph becomes `- ` only when a
# neighbouring line of the same block is a `- ` item and none is another kind of
# item. `+`, `*` and `•` are bullets of their own (sub-items) and never change.
DASH_LOOKALIKES = frozenset("~—–‒―−‐‑=«»_¬“”")
OTHER_BULLETS = frozenset("+*•")


@dataclass(frozen=True, slots=True)
class Word:
    text: str
    left: int
    top: int
    width: int
    height: int
    confidence: float
    block: int
    paragraph: int
    line: int

    @property
    def right(self) -> int:
        return self.left + self.width

    @property
    def bottom(self) -> int:
        return self.top + self.height

    def box(self) -> Box:
        return Box(self.text, self.left, self.top, self.right, self.bottom, self.confidence)


def parse_tsv(tsv: str) -> list[Word]:
    """Words (level 5 rows with text) of Tesseract's `tsv` output, in its order.

    >>> row = "5\\t1\\t1\\t1\\t1\\t1\\t326\\t689\\t66\\t41\\t93.28\\tSố:"
    >>> head = "level\\tpage_num\\tblock_num\\tpar_num\\tline_num\\tword_num\\tleft\\ttop\\twidth\\theight\\tconf\\ttext"
    >>> parse_tsv(head + "\\n" + row)[0].text
    'Số:'
    """
    words = []
    for row in csv.DictReader(io.StringIO(tsv), delimiter="\t", quoting=csv.QUOTE_NONE):
        text = (row.get("text") or "").strip()
        if row.get("level") != "5" or not text:
            continue
        words.append(Word(
            text=text, left=int(row["left"]), top=int(row["top"]),
            width=int(row["width"]), height=int(row["height"]),
            confidence=float(row["conf"]), block=int(row["block_num"]),
            paragraph=int(row["par_num"]), line=int(row["line_num"])))
    return words


def mean_confidence(words: list[Word]) -> float | None:
    """Mean word confidence (0-100) of the words Tesseract scored."""
    scores = [w.confidence for w in words if w.confidence >= 0]
    return round(sum(scores) / len(scores), 2) if scores else None


def tesseract_lines(words: list[Word]) -> list[Line]:
    """Tesseract's text lines (block, paragraph, line), words left to right."""
    lines: dict[tuple[int, int, int], list[Box]] = {}
    for word in words:
        lines.setdefault((word.block, word.paragraph, word.line), []).append(word.box())
    return [Line(tuple(sorted(boxes, key=lambda b: b.left))) for boxes in lines.values()]


def is_speck_line(line: Line, word_height: float = 0.0) -> bool:
    """A line of loose marks: no word with two letters or digits, and read with
    low confidence or far smaller than a word (`word_height`, the page's median).

    Tesseract sometimes cuts the stacked marks of bold capitals (`ỦY`, `DÂN`),
    a signature's accents or a stamp's grain into a line of their own ("ˆ",
    "Í Á", "ấ"); they carry no text.

    >>> is_speck_line(Line((Box("ˆ", 0, 0, 9, 9, 40.0),)))
    True
    >>> is_speck_line(Line((Box("ấ", 0, 0, 20, 11, 90.0),)), word_height=40)
    True
    >>> is_speck_line(Line((Box("2.", 0, 0, 9, 9, 40.0), Box("Sở", 20, 0, 29, 9, 40.0))))
    False
    """
    if any(sum(ch.isalnum() for ch in box.text) >= 2 for box in line.boxes):
        return False
    if all(box.height < SPECK_HEIGHT_SHARE * word_height for box in line.boxes):
        return True
    return sum(box.confidence for box in line.boxes) / len(line.boxes) < SPECK_CONFIDENCE


def list_mark(line: str) -> str | None:
    """The bullet a list line starts with (`-`, `+`, a dash look-alike), if any."""
    head, _, rest = line.partition(" ")
    if len(head) == 1 and rest.strip() and (head == "-" or head in OTHER_BULLETS or head in DASH_LOOKALIKES):
        return head
    if len(line) > 1 and line[0] == "-" and line[1].isalpha():  # "-Lưu: VT"
        return "-"
    return None


def mend_list_dashes(lines: list[str]) -> list[str]:
    """A lone dash look-alike starting a line becomes `- ` when the lines around it
    in the block are `- ` items (and none is a `+`/`*` sub-item).

    >>> mend_list_dashes(["Nơi nhận:", "~ Như trên;", "- Sở Nội vụ;", "— Lưu: VT."])
    ['Nơi nhận:', '- Như trên;', '- Sở Nội vụ;', '- Lưu: VT.']
    >>> mend_list_dashes(["- Văn phòng:", "~ CVP;", "+ Trung tâm;"])
    ['- Văn phòng:', '~ CVP;', '+ Trung tâm;']
    >>> mend_list_dashes(["a = b", "= 5"])
    ['a = b', '= 5']
    """
    lines = list(lines)
    changed = True
    while changed:  # "- a" "~ b" "~ c" "- d": each mended line vouches for the next
        changed = False
        for i, line in enumerate(lines):
            mark = list_mark(line)
            if mark not in DASH_LOOKALIKES:
                continue
            around = {list_mark(lines[j]) for j in (i - 1, i + 1) if 0 <= j < len(lines)}
            if "-" in around and not around & OTHER_BULLETS:
                lines[i] = "- " + line[2:].lstrip()
                changed = True
    return lines


def ocr_blocks(words: list[Word]) -> list[Block]:
    """The page's blocks in reading order, specks dropped."""
    heights = [w.height for w in words if sum(ch.isalnum() for ch in w.text) >= 2]
    word_height = statistics.median(heights) if heights else 0.0
    return page_blocks(tesseract_lines(words), keep=lambda piece: not is_speck_line(piece, word_height))


def page_text(words: list[Word]) -> str:
    """The page's text: blocks in reading order, a blank line between blocks.

    >>> head = "level\\tpage_num\\tblock_num\\tpar_num\\tline_num\\tword_num\\tleft\\ttop\\twidth\\theight\\tconf\\ttext"
    >>> rows = ["5\\t1\\t1\\t1\\t1\\t1\\t300\\t100\\t80\\t40\\t95\\tSố:",
    ...         "5\\t1\\t1\\t1\\t1\\t2\\t390\\t100\\t200\\t40\\t95\\t12/UBND-VX",
    ...         "5\\t1\\t1\\t1\\t1\\t3\\t1300\\t100\\t150\\t40\\t95\\tKon Tum,",
    ...         "5\\t1\\t1\\t1\\t1\\t4\\t1460\\t100\\t100\\t40\\t95\\tngày 5",
    ...         "5\\t1\\t1\\t1\\t2\\t1\\t300\\t150\\t60\\t40\\t95\\tV/v",
    ...         "5\\t1\\t1\\t1\\t2\\t2\\t370\\t150\\t200\\t40\\t95\\tbáo cáo"]
    >>> print(page_text(parse_tsv("\\n".join([head] + rows))))
    Số: 12/UBND-VX
    V/v báo cáo
    <BLANKLINE>
    Kon Tum, ngày 5
    """
    return "\n\n".join("\n".join(mend_list_dashes([line.text for line in block.lines]))
                       for block in ocr_blocks(words))
