"""Who must do an obligation: the assignees, the lead unit and the supporting units.

Letters name them in a few set ways: a heading (`2. Sở Nội vụ`), a lead-in
(`Ủy ban nhân dân tỉnh yêu cầu: 1. Thủ trưởng các cơ quan ...:`), a request
(`Giao Sở Tài chính ...`, `Đề nghị Ủy ban MTTQ ...`), the subject of the sentence
(`Sở Nội vụ chủ trì, phối hợp với ...`). Names are expanded (`UBND` → `Ủy ban nhân dân`)
with `extractors.names.expand_abbreviations` and made canonical with the gazetteer in
`extractors/data/agencies.yaml`.
"""
from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from pathlib import Path

from dondoc.langdata import load_yaml
from extractors import gazetteer
from extractors.names import expand_abbreviations
from extractors.structure import any_match, compile_folded, fold

DATA = Path(__file__).parent / "data" / "agencies.yaml"


@dataclass(frozen=True, slots=True)
class Assignees:
    assignees: tuple[str, ...] = ()
    lead: str | None = None
    support: tuple[str, ...] = ()


@functools.cache
def _data() -> dict:
    return load_yaml(DATA)


@functools.cache
def _canonical() -> tuple[tuple[re.Pattern[str], str], ...]:
    rules = []
    for name, variants in _data()["canonical"].items():
        for v in variants:
            rules.append((re.compile(rf"(?<![\w&]){re.escape(v)}(?![\w&])"), name))
    return tuple(rules)


def normalize_agency(name: str) -> str:
    """Full, canonical form of an agency name.

    >>> normalize_agency("UBND các huyện, thành phố;")
    'Ủy ban nhân dân các huyện, thành phố'
    >>> normalize_agency("Sở TT&TT")
    'Sở Thông tin và Truyền thông'
    """
    text = re.sub(r"\(\d+\)|[¹²³⁴⁵⁶⁷⁸⁹⁰]+", "", name)
    text = re.sub(r"\((?:qua|gồm|trừ)[^)]*\)", "", text)
    for pattern, canonical in _canonical():
        text = pattern.sub(canonical, text)
    text = expand_abbreviations(text)
    return re.sub(r"\s+", " ", text).strip(" ,;:.-–")


def starts_with_agency(text: str) -> bool:
    """True when `text` opens with an agency or an office-holder (the gazetteer's heads).

    >>> starts_with_agency("Sở Nội vụ chủ trì"), starts_with_agency("Tổ chức quán triệt")
    (True, False)
    >>> starts_with_agency("Bổ sung một số điều"), starts_with_agency("Trường hợp có đề xuất khác")
    (False, False)
    """
    return gazetteer.starts_with_agency(text)


def split_agencies(text: str) -> tuple[str, ...]:
    """Split a list of units at commas, semicolons and `và` followed by a capital.

    `các huyện, thành phố` stays whole: its second part is lower-case; an office-holder
    written in lower case (`lãnh đạo các cơ quan ...`) still starts a new unit.

    >>> split_agencies("Thủ trưởng các cơ quan chuyên môn thuộc Ủy ban nhân dân tỉnh, Trưởng Ban Quản lý Khu kinh tế tỉnh, Chủ tịch Ủy ban nhân dân các huyện, thành phố")
    ('Thủ trưởng các cơ quan chuyên môn thuộc Ủy ban nhân dân tỉnh', 'Trưởng Ban Quản lý Khu kinh tế tỉnh', 'Chủ tịch Ủy ban nhân dân các huyện, thành phố')
    >>> split_agencies("Sở Văn hóa, Thể thao và Du lịch, Sở Y tế")
    ('Sở Văn hóa, Thể thao và Du lịch', 'Sở Y tế')
    >>> split_agencies("các Sở, ban, ngành, đoàn thể cấp tỉnh, cơ quan ngành dọc đóng trên địa bàn, Ủy ban nhân dân xã, phường")
    ('các Sở, ban, ngành, đoàn thể cấp tỉnh', 'cơ quan ngành dọc đóng trên địa bàn', 'Ủy ban nhân dân xã, phường')
    >>> split_agencies("Các thành viên Ban Chỉ đạo Cải cách hành chính tỉnh, lãnh đạo các cơ quan chuyên môn thuộc Ủy ban nhân dân tỉnh")
    ('Các thành viên Ban Chỉ đạo Cải cách hành chính tỉnh', 'lãnh đạo các cơ quan chuyên môn thuộc Ủy ban nhân dân tỉnh')
    """
    heads = "|".join(re.escape(w) for w in _data()["lowercase_heads"])
    units = "|".join(re.escape(w) for w in _data()["lowercase_units"])
    parts: list[str] = []
    pieces = re.split(rf"(\s*[,;]\s+)(?=[A-ZĐÂÊÔƠƯÁÀẢÃẠÉÈẺẼẸÍÌỈĨỊÓÒỎÕỌÚÙỦŨỤÝỲỶỸỴ]|(?:{heads}|{units})\b)", text)
    merged: list[str] = [pieces[0]]
    for sep, piece in zip(pieces[1::2], pieces[2::2]):
        # "Cục Xuất bản, In và Phát hành", "Sở Văn hóa, Thể thao và Du lịch": a capital
        # that opens no unit continues the name. "..., cơ quan ngành dọc" is a unit of its
        # own unless the piece before names "cơ quan" too ("Thủ trưởng cơ quan ngang Bộ,
        # cơ quan thuộc Chính phủ": the office-holder is of both).
        unit = re.match(rf"({units})\b", piece)
        if unit and unit.group(1) not in merged[-1]:
            merged.append(piece)
        elif unit:
            merged[-1] += sep + piece
        elif starts_with_agency(piece) or re.match(rf"(?:{heads})\b", piece):
            merged.append(piece)
        else:
            merged[-1] += sep + piece
    for piece in merged:
        # "Sở Nông nghiệp và Môi trường" is one name; "Sở Tư pháp và Sở Tài chính" two.
        halves = re.split(r"\s+và\s+(?=\S)", piece, maxsplit=1)
        if len(halves) == 2 and (starts_with_agency(halves[1]) and halves[1][:1].isupper()
                                 or _plural_unit(halves[1])):
            parts.extend(halves)
        else:
            parts.append(piece)
    names = [normalize_agency(p) for p in parts]
    return tuple(n for n in names if len(n) > 2)


def _plural_unit(text: str) -> bool:
    """True for "các doanh nghiệp ...", "các đơn vị có liên quan": after `và` a unit of its
    own, except the set phrases that belong to the unit before ("Ủy ban Mặt trận Tổ quốc
    Việt Nam và các tổ chức chính trị - xã hội").

    >>> _plural_unit("các doanh nghiệp viễn thông"), _plural_unit("các tổ chức đoàn thể chính trị - xã hội")
    (True, False)
    """
    folded = fold(text).lower()
    data = _data()
    if any(folded.startswith(fold(k).lower()) for k in data["and_keeps"]):
        return False
    return any(re.match(rf"{re.escape(fold(u).lower())}\b", folded) for u in data["and_units"])


def _first_action(text: str) -> int | None:
    """Offset of the first action word: written in lower case ("Ban Chỉ đạo" is a name),
    or a run-in action with a capital ("Cục Báo chí Khẩn trương hoàn thành ...")."""
    return gazetteer.first_action(text)


def subject_of(text: str) -> str | None:
    """The unit(s) a sentence opens with, up to the first action word.

    >>> subject_of("Ban Chỉ đạo Cải cách hành chính tỉnh tổ chức phát động Phong trào thi đua")
    'Ban Chỉ đạo Cải cách hành chính tỉnh'
    >>> subject_of("Tổ chức quán triệt sâu rộng") is None
    True
    """
    data = _data()
    body = text.lstrip(" -+*")
    enumerator = re.match(r"\((?:[ivx]{1,4}|\d{1,2})\)\s*", body)
    if enumerator:  # "(ii) Chủ đầu tư phối hợp ..."
        body = body[enumerator.end():]
    label = compile_folded(data["assignee_label"]).match(fold(body))
    if label:  # "Cơ quan thực hiện: Sở Nội vụ chủ trì, ..."
        body = body[label.end():]
    topic = compile_folded(data["topic_label"]).match(fold(body))
    if topic and not starts_with_agency(body) and starts_with_agency(body[topic.end():]):
        # "Về việc ...: Ủy ban nhân dân Thành phố xử lý"
        body = body[topic.end():]
    offset = len(text) - len(body)
    folded = fold(body)
    request = None
    for cue in data["request_cues"]:
        request = compile_folded(cue).match(folded)
        if request:
            break
    start = request.end() if request else 0
    if not request and not starts_with_agency(body):
        return None
    rest = folded[start:]
    colon = rest.find(":")
    # A subject ends at the colon and is under 300 characters: no need to look further.
    action = _first_action(body[start:start + (colon if 0 <= colon < 320 else 320)])
    ends = [e for e in (colon if colon >= 0 else None, action) if e is not None]
    end = min(ends) if ends else (len(rest) if request else None)  # "1.1. Giao Sở Xây dựng"
    if end is None or end < 3:
        return None
    subject = text[offset + start: offset + start + end].strip(" ,")
    inner = compile_folded(data["request_inside"]).search(fold(subject))
    if inner and not request:  # "Ủy ban nhân dân Thành phố yêu cầu các Sở, ban, ngành ... nghiêm túc ..."
        return subject_of(text[offset + inner.start():])
    return subject if len(subject) >= 3 and len(subject) < 300 else None


def clause_subject(clause: str) -> str | None:
    """The units a clause names as its doer, also after a leading phrase.

    >>> clause_subject("Trên cơ sở đó, Bộ Tư pháp tổng hợp, báo cáo Thủ tướng Chính phủ trước ngày 10 tháng 12 năm 2025.")
    'Bộ Tư pháp'
    >>> clause_subject("Căn cứ Kế hoạch này, các Sở, ban, ngành, đoàn thể cấp tỉnh xây dựng kế hoạch")
    'các Sở, ban, ngành, đoàn thể cấp tỉnh'
    """
    subject = subject_of(clause)
    if subject:
        return subject
    lead = re.match(r"[^,;:]{3,80},\s+", clause)
    if lead:
        rest = clause[lead.end():]
        if rest and starts_with_agency(rest[0].upper() + rest[1:]):
            subject = subject_of(rest[0].upper() + rest[1:])
            return rest[0] + subject[1:] if subject else None
    return None


def heading_assignees(heading: str) -> tuple[str, ...]:
    """Units a heading or lead-in assigns to the items under it.

    >>> heading_assignees("Sở Nội vụ")
    ('Sở Nội vụ',)
    >>> heading_assignees("Căn cứ nội dung Kế hoạch này, Ủy ban nhân dân tỉnh yêu cầu:")
    ()
    >>> heading_assignees("để Phong trào đạt kết quả tốt, Ban Chỉ đạo yêu cầu các Thành viên Ban Chỉ đạo(1), Thủ trưởng các đơn vị, địa phương:")
    ('các Thành viên Ban Chỉ đạo', 'Thủ trưởng các đơn vị, địa phương')
    """
    data = _data()
    folded = fold(heading)
    for cue in data["leadin_cues"]:
        m = compile_folded(cue).search(folded)
        if m:
            return split_agencies(heading[m.start("who"):m.end("who")])
    subject = subject_of(heading)
    if subject:
        return split_agencies(subject)
    text = heading.strip().rstrip(":")
    if starts_with_agency(text) and len(text) < 200 and not re.search(r"[.;]\s", text):
        return split_agencies(text)
    return ()


def names_lead_column(header: str) -> bool:
    """True when a table's header row has a column of lead units, so a row's first unit
    cell is its lead (a procedure table's "Trách nhiệm" column names people at steps).

    >>> names_lead_column("TT Nội dung/nhiệm vụ Cơ quan chủ trì Cơ quan phối hợp Thời gian thực hiện")
    True
    >>> names_lead_column("Trình tự Nội dung công việc Trách nhiệm thực hiện Thời gian")
    False
    """
    return any_match(_data()["lead_columns"], header)


def find_assignees(text: str, headings: tuple[str, ...] = (), table_row: bool = False) -> Assignees:
    """Assignees of one obligation: its own subject, else (in a row of a task table) the
    unit that opens a cell, the `Cơ quan chủ trì` column, else the nearest heading that
    names units.

    >>> a = find_assignees("Chủ trì, phối hợp với Sở Tài chính, Văn phòng Ủy ban nhân dân tỉnh tham mưu Ủy ban nhân dân tỉnh", ("TỔ CHỨC THỰC HIỆN", "Sở Nội vụ"))
    >>> a.lead, a.support
    ('Sở Nội vụ', ('Sở Tài chính', 'Văn phòng Ủy ban nhân dân tỉnh'))
    >>> find_assignees("Giao Sở Nội vụ chủ trì, theo dõi, đôn đốc việc triển khai chỉ đạo này.").lead
    'Sở Nội vụ'
    >>> find_assignees("Xây dựng kế hoạch đầu tư công trong phạm vi quản lý Ban Quản lý các khu công nghiệp Sở Tài chính Quý III Năm 2026", table_row=True)
    Assignees(assignees=('Ban Quản lý các khu công nghiệp',), lead='Ban Quản lý các khu công nghiệp', support=())
    """
    data = _data()
    own = clause_subject(text)
    lead = None
    cell = gazetteer.cell_agencies(text) if table_row and not own else []
    if own:
        assignees = split_agencies(own)
    elif cell:
        assignees = tuple(normalize_agency(c.text) for c in cell)
        lead = assignees[0]
    else:
        assignees = ()
        for heading in reversed(headings):
            assignees = heading_assignees(heading)
            if assignees:
                break
    cues = gazetteer.find_cues(text, ("LEAD", "SUPPORT"))
    if assignees and any(c.label == "LEAD" for c in cues):  # "... chủ trì"
        lead = assignees[0]
    support: tuple[str, ...] = ()
    cue = next((c for c in cues if c.label == "SUPPORT"), None)  # "phối hợp (chặt chẽ) (với) ..."
    if cue:
        after = compile_folded(data["support_after"]).match(fold(text), cue.end)
        start = after.end() if after else cue.end
        end = compile_folded(data["support_end"]).search(fold(text), start)
        chunk = text[start: end.start() if end else len(text)]
        action = _first_action(chunk)  # "... Vụ Pháp chế đưa nội dung ..."
        chunk = chunk[:action] if action else chunk
        if chunk.strip() and starts_with_agency(chunk.strip()[0].upper() + chunk.strip()[1:]):  # "các sở, ban, ngành"
            support = split_agencies(chunk)
    return Assignees(assignees=assignees, lead=lead, support=support)
