"""Reading order of a page from the boxes of its text: one function for scanned
pages (Tesseract's words) and PDF text layers (pypdfium2's text runs).

An NĐ 30 letter is not one column: its header is two (agency | national motto,
number | place and date) and so is its foot (`Nơi nhận` list | signature
block). Reading row by row across the page interleaves them ("Số: 12/UBND Kon
Tum, ngày ..."), so the page is read as blocks:

1. a line with one gap far wider than a space is cut in two (two columns on one row);
2. pieces of lines are stacked into blocks: a piece joins the block just above
   it in the same column unless a blank space separates them;
3. blocks that sit side by side form a band; in a band each column is read top
   to bottom, left column first, and comes out as one block (the whole
   `Nơi nhận` list, then the whole signature block with its name).

Coordinates are page units with y growing downward (image pixels, or PDF
points measured from the top). Heights are the median height of a line's
boxes, so one tall box (an underline or a stamp stroke glued to a word) does
not widen what counts as a column gap.
"""
from __future__ import annotations

import statistics
from dataclasses import dataclass

# A gap between two boxes of a line wider than this many line heights separates
# columns (justified body text stretches a space to about one line height at most).
COLUMN_GAP_LINE_HEIGHTS = 2.5
# ... and it must be this many times the line's typical gap (a justified line
# with a long URL stretches all its gaps alike; a column gap is one outsized gap).
COLUMN_GAP_OVER_TYPICAL = 3.0
# Lines of one block are closer than this many (median) line heights; the
# blank space between the agency name and `Số:`, or before `Nơi nhận`, is wider.
BLOCK_GAP_LINE_HEIGHTS = 0.6
# A wider gap still does not end a block when it keeps the rhythm of the lines
# around it (within this factor of the smaller neighbouring gap) and is at most
# RHYTHM_MAX_LINE_HEIGHTS: a list typed with 1.5 or double line spacing is one
# block, while a paragraph break, wider than the lines' own spacing, still ends one.
RHYTHM_TOLERANCE = 1.3
RHYTHM_MAX_LINE_HEIGHTS = 2.0
# OCR line boxes grow and shrink with accents and descenders (`Ủ`, `g`): the
# rhythm allows this much more, in line heights.
RHYTHM_SLACK_LINE_HEIGHTS = 0.25


@dataclass(frozen=True, slots=True)
class Box:
    """A word (OCR) or a run of text (PDF) on one printed line."""

    text: str
    left: float
    top: float
    right: float
    bottom: float
    confidence: float = -1.0  # OCR word confidence 0-100; -1 when not known (PDF)

    @property
    def height(self) -> float:
        return self.bottom - self.top


@dataclass(frozen=True, slots=True)
class Line:
    """Boxes on one printed line, left to right."""

    boxes: tuple[Box, ...]

    @property
    def left(self) -> float:
        return min(b.left for b in self.boxes)

    @property
    def right(self) -> float:
        return max(b.right for b in self.boxes)

    @property
    def top(self) -> float:
        return min(b.top for b in self.boxes)

    @property
    def bottom(self) -> float:
        return max(b.bottom for b in self.boxes)

    @property
    def height(self) -> float:
        """Median box height: the size of the line's letters, whatever sticks out."""
        return max(1.0, statistics.median(b.height for b in self.boxes))

    @property
    def text(self) -> str:
        return " ".join(b.text for b in self.boxes)


@dataclass(frozen=True, slots=True)
class Block:
    """Lines read together, top to bottom."""

    lines: tuple[Line, ...]

    @property
    def left(self) -> float:
        return min(line.left for line in self.lines)

    @property
    def right(self) -> float:
        return max(line.right for line in self.lines)

    @property
    def top(self) -> float:
        return min(line.top for line in self.lines)

    @property
    def bottom(self) -> float:
        return max(line.bottom for line in self.lines)

    @property
    def text(self) -> str:
        return "\n".join(line.text for line in self.lines)


def overlaps(a_start: float, a_end: float, b_start: float, b_end: float) -> bool:
    return min(a_end, b_end) > max(a_start, b_start)


def group_rows(boxes: list[Box]) -> list[Line]:
    """Boxes grouped into printed lines by vertical overlap (for sources that do
    not say which line a box is on, as PDF text runs), top to bottom.

    >>> [line.text for line in group_rows([Box("b", 50, 0, 60, 10), Box("c", 0, 20, 9, 30), Box("a", 0, 1, 9, 11)])]
    ['a b', 'c']
    """
    rows: list[list[Box]] = []
    for box in sorted(boxes, key=lambda b: (b.top, b.left)):
        for row in rows:
            ref = row[0]
            overlap = min(ref.bottom, box.bottom) - max(ref.top, box.top)
            if overlap > 0.5 * min(ref.height, box.height):
                row.append(box)
                break
        else:
            rows.append([box])
    lines = [Line(tuple(sorted(row, key=lambda b: b.left))) for row in rows]
    return sorted(lines, key=lambda line: line.top)


def split_at_column_gaps(line: Line) -> list[Line]:
    """Cut a line where one gap is too wide to be a space: two columns on one row.

    >>> words = [Box("Số:", 0, 0, 40, 20), Box("12", 50, 0, 70, 20), Box("Kon", 300, 0, 340, 20), Box("Tum", 350, 0, 390, 20)]
    >>> [piece.text for piece in split_at_column_gaps(Line(tuple(words)))]
    ['Số: 12', 'Kon Tum']
    """
    boxes = line.boxes
    gaps = [box.left - before.right for before, box in zip(boxes, boxes[1:])]
    if not gaps:
        return [line]
    typical = sorted(gaps)[(len(gaps) - 1) // 2]  # lower median: one outsized gap never counts
    height = line.height
    pieces: list[list[Box]] = [[boxes[0]]]
    for gap, box in zip(gaps, boxes[1:]):
        if gap > COLUMN_GAP_LINE_HEIGHTS * height and (
                len(gaps) == 1 or gap > COLUMN_GAP_OVER_TYPICAL * max(typical, 1.0)):
            pieces.append([])
        pieces[-1].append(box)
    return [Line(tuple(p)) for p in pieces]


def column_blocks(lines: list[Line]) -> list[Block]:
    """Stack lines into blocks.

    Each line is first hung under the nearest line above it that overlaps it
    horizontally (a column chain); a chain is then cut where the gap is wider
    than BLOCK_GAP_LINE_HEIGHTS and breaks the rhythm of the gaps around it.
    Lines, not Tesseract's paragraphs, are the unit because Tesseract often
    puts the second agency line and `Số:` in one paragraph with the motto.
    """
    ordered = sorted(lines, key=lambda line: (line.top, line.left))
    if not ordered:
        return []
    height = statistics.median(line.height for line in ordered)
    chains: list[list[Line]] = []
    for line in ordered:
        candidates = [chain for chain in chains
                      if overlaps(line.left, line.right, chain[-1].left, chain[-1].right)
                      and line.top > chain[-1].top]
        if candidates and not bridges_columns(line, candidates, height):
            min(candidates, key=lambda chain: line.top - chain[-1].bottom).append(line)
        else:
            chains.append([line])
    blocks: list[Block] = []
    for chain in chains:
        gaps = [below.top - above.bottom for above, below in zip(chain, chain[1:])]
        start = 0
        for i, gap in enumerate(gaps):
            if is_block_break(gaps, i, height):
                blocks.append(Block(tuple(chain[start:i + 1])))
                start = i + 1
        blocks.append(Block(tuple(chain[start:])))
    return blocks


def bridges_columns(line: Line, candidates: list[list[Line]], height: float) -> bool:
    """Does `line` sit right under two columns at once (the first full-width body
    line under a two-column header)? It then ends both columns instead of
    joining the one that happens to be a pixel closer.

    Only chain ends about as close as the nearest one count (within half a line
    height): a column that ended further up is not `line`'s neighbour.
    """
    gaps = [line.top - chain[-1].bottom for chain in candidates]
    nearest = min(gaps)
    ends = [chain[-1] for chain, gap in zip(candidates, gaps) if gap <= nearest + 0.5 * height]
    return any(not overlaps(a.left, a.right, b.left, b.right) for a in ends for b in ends)


def is_block_break(gaps: list[float], i: int, height: float) -> bool:
    """Does the i-th gap of a column chain separate two blocks?

    >>> is_block_break([10, 50, 10], 1, 40)  # a blank line between paragraphs
    True
    >>> is_block_break([50, 50, 50], 1, 40)  # a list typed with wide line spacing
    False
    """
    gap = gaps[i]
    if gap < BLOCK_GAP_LINE_HEIGHTS * height:
        return False
    if gap > RHYTHM_MAX_LINE_HEIGHTS * height:
        return True
    neighbours = [g for g in (gaps[i - 1] if i > 0 else None, gaps[i + 1] if i + 1 < len(gaps) else None)
                  if g is not None]
    return not neighbours or gap > RHYTHM_TOLERANCE * min(neighbours) + RHYTHM_SLACK_LINE_HEIGHTS * height


def reading_order(blocks: list[Block]) -> list[Block]:
    """Blocks in reading order: bands top to bottom, columns left to right in a band.

    A band is a run of blocks that overlap vertically (the two header columns,
    `Nơi nhận` beside the signature); inside it each column is read top to
    bottom, as one block, before the next column starts.
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
    """Group a band's blocks into columns (horizontal overlap), left column first;
    when the band has more than one column, each column is one block."""
    columns: list[list[Block]] = []
    for block in sorted(band, key=lambda b: b.left):
        for column in columns:
            if any(overlaps(block.left, block.right, other.left, other.right) for other in column):
                column.append(block)
                break
        else:
            columns.append([block])
    columns = [sorted(column, key=lambda b: b.top) for column in columns]
    if len(columns) == 1:
        return columns[0]
    return [Block(tuple(line for block in column for line in block.lines)) for column in columns]


def page_blocks(lines: list[Line], keep=None) -> list[Block]:
    """The page's blocks in reading order, from its printed lines.

    `keep(piece)` may drop pieces of lines (OCR specks) after column cutting.

    >>> row = lambda y, *words: Line(tuple(Box(t, x, y, x + 10 * len(t), y + 20) for x, t in words))
    >>> page = [row(0, (0, "Nơi"), (40, "nhận:"), (400, "TM."), (440, "ỦY BAN")),
    ...         row(25, (0, "-"), (15, "Như"), (55, "trên;"), (420, "CHỦ TỊCH")),
    ...         row(50, (0, "-"), (15, "Sở"), (45, "Nội"), (85, "vụ;")),
    ...         row(75, (0, "-"), (15, "Lưu:"), (65, "VT."), (410, "Lê Văn A"))]
    >>> print("\\n\\n".join(block.text for block in page_blocks(page)))
    Nơi nhận:
    - Như trên;
    - Sở Nội vụ;
    - Lưu: VT.
    <BLANKLINE>
    TM. ỦY BAN
    CHỦ TỊCH
    Lê Văn A
    """
    pieces = [piece for line in lines for piece in split_at_column_gaps(line)]
    if keep is not None:
        pieces = [piece for piece in pieces if keep(piece)]
    return reading_order(column_blocks(pieces))
