"""Turn Tesseract's word table (`tsv` output) into page text in reading order.

An NĐ 30 letter is not one column: its header is two (agency | national motto,
number | place and date) and so is its foot (`Nơi nhận` | signature). Reading
line by line across the page would interleave them ("Số: 12/UBND Kon Tum,
ngày ..."), so text is assembled from blocks: a line with a wide gap is cut in
two, blocks that sit side by side are read left column first, each block whole,
and blocks keep their line breaks.
"""
from __future__ import annotations

import csv
import io
from dataclasses import dataclass

# A gap between two words wider than this many line heights separates columns
# (justified body text stretches spaces to about one line height at most).
COLUMN_GAP_LINE_HEIGHTS = 2.5
# A line with no two-letter word is kept only when read with at least this confidence.
SPECK_CONFIDENCE = 80.0
# Lines of one block are closer than this many (median) line heights; the
# space between the agency name and `Số:`, or before `Nơi nhận`, is wider.
BLOCK_GAP_LINE_HEIGHTS = 0.6


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


@dataclass(frozen=True, slots=True)
class Line:
    words: tuple[Word, ...]

    @property
    def left(self) -> int:
        return min(w.left for w in self.words)

    @property
    def right(self) -> int:
        return max(w.right for w in self.words)

    @property
    def top(self) -> int:
        return min(w.top for w in self.words)

    @property
    def bottom(self) -> int:
        return max(w.bottom for w in self.words)

    @property
    def text(self) -> str:
        return " ".join(w.text for w in self.words)


@dataclass(frozen=True, slots=True)
class Block:
    """Lines read together: one Tesseract paragraph, or one side of it."""

    lines: tuple[Line, ...]

    @property
    def left(self) -> int:
        return min(line.left for line in self.lines)

    @property
    def right(self) -> int:
        return max(line.right for line in self.lines)

    @property
    def top(self) -> int:
        return min(line.top for line in self.lines)

    @property
    def bottom(self) -> int:
        return max(line.bottom for line in self.lines)

    @property
    def text(self) -> str:
        return "\n".join(line.text for line in self.lines)


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


def group_lines(words: list[Word]) -> dict[tuple[int, int], list[Line]]:
    """Lines of each Tesseract paragraph, keyed by (block, paragraph), in order."""
    lines: dict[tuple[int, int, int], list[Word]] = {}
    for word in words:
        lines.setdefault((word.block, word.paragraph, word.line), []).append(word)
    paragraphs: dict[tuple[int, int], list[Line]] = {}
    for (block, paragraph, _), line_words in lines.items():
        paragraphs.setdefault((block, paragraph), []).append(Line(tuple(line_words)))
    return paragraphs


def split_at_column_gaps(line: Line) -> list[Line]:
    """Cut a line where one gap is too wide to be a space: two columns on one row.

    A justified line with a long unbreakable word (a URL) stretches all its
    spaces alike; a column gap is one gap far wider than the line's others.
    """
    height = max(1, line.bottom - line.top)
    gaps = [word.left - before.right for before, word in zip(line.words, line.words[1:])]
    if not gaps:
        return [line]
    typical = sorted(gaps)[(len(gaps) - 1) // 2]  # lower median: one outsized gap never counts
    pieces: list[list[Word]] = [[line.words[0]]]
    for gap, word in zip(gaps, line.words[1:]):
        if gap > COLUMN_GAP_LINE_HEIGHTS * height and (len(gaps) == 1 or gap > 3 * max(typical, 1)):
            pieces.append([])
        pieces[-1].append(word)
    return [Line(tuple(p)) for p in pieces]


def is_speck_line(line: Line) -> bool:
    """A line of loose marks: no word with two letters or digits, read with low confidence.

    Tesseract sometimes cuts the stacked marks of bold capitals (`ỦY`, `DÂN`)
    or a stamp's grain into a line of their own ("ˆ", "Í Á"); they carry no text.

    >>> is_speck_line(Line((Word("ˆ", 0, 0, 9, 9, 40.0, 1, 1, 1),)))
    True
    >>> is_speck_line(Line((Word("2.", 0, 0, 9, 9, 40.0, 1, 1, 1), Word("Sở", 20, 0, 9, 9, 40.0, 1, 1, 1))))
    False
    """
    if any(sum(ch.isalnum() for ch in word.text) >= 2 for word in line.words):
        return False
    return sum(word.confidence for word in line.words) / len(line.words) < SPECK_CONFIDENCE


def column_blocks(lines: list[Line]) -> list[Block]:
    """Stack lines into blocks: a line joins the block just above it in the same
    column (overlapping horizontally) when the gap between them is less than
    BLOCK_GAP_LINE_HEIGHTS; otherwise it starts a new block.

    Lines, not Tesseract's paragraphs, are the unit because Tesseract often
    puts the second agency line and `Số:` in one paragraph with the motto
    beside them.
    """
    ordered = sorted(lines, key=lambda line: (line.top, line.left))
    if not ordered:
        return []
    heights = sorted(line.bottom - line.top for line in ordered)
    max_gap = BLOCK_GAP_LINE_HEIGHTS * heights[len(heights) // 2]
    stacks: list[list[Line]] = []
    for line in ordered:
        candidates = [stack for stack in stacks
                      if overlaps(line.left, line.right, stack[-1].left, stack[-1].right)
                      and line.top - stack[-1].bottom < max_gap]
        if candidates:
            min(candidates, key=lambda stack: line.top - stack[-1].bottom).append(line)
        else:
            stacks.append([line])
    return [Block(tuple(stack)) for stack in stacks]


def overlaps(a_start: int, a_end: int, b_start: int, b_end: int) -> bool:
    return min(a_end, b_end) > max(a_start, b_start)


def reading_order(blocks: list[Block]) -> list[Block]:
    """Blocks in reading order: bands top to bottom, columns left to right in a band.

    A band is a run of blocks that overlap vertically (the two header columns,
    `Nơi nhận` beside the signature); inside it each column is read top to
    bottom before the next column starts.
    """
    ordered: list[Block] = []
    remaining = sorted(blocks, key=lambda b: b.top)
    while remaining:
        band = [remaining.pop(0)]
        band_bottom = band[0].bottom
        while remaining and remaining[0].top < band_bottom:
            block = remaining.pop(0)
            band.append(block)
            band_bottom = max(band_bottom, block.bottom)
        ordered.extend(order_columns(band))
    return ordered


def order_columns(band: list[Block]) -> list[Block]:
    """Group a band's blocks into columns (horizontal overlap), left column first."""
    columns: list[list[Block]] = []
    for block in sorted(band, key=lambda b: b.left):
        for column in columns:
            if any(overlaps(block.left, block.right, other.left, other.right) for other in column):
                column.append(block)
                break
        else:
            columns.append([block])
    return [block for column in columns for block in sorted(column, key=lambda b: b.top)]


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
    lines = [piece for paragraph in group_lines(words).values()
             for line in paragraph for piece in split_at_column_gaps(line) if not is_speck_line(piece)]
    blocks = column_blocks(lines)
    return "\n\n".join(block.text for block in reading_order(blocks))
