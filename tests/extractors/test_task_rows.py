"""Task rows (an assignee, no deadline or target) are obligations, not cells or labels."""
from __future__ import annotations

from pathlib import Path

from dondoc.models import DocumentRecord
from extractors.obligations import extract_obligations

LM_CORPUS = Path(__file__).resolve().parents[2] / "normalizers" / "data" / "lm_corpus"


def test_short_cells_and_labels_are_not_task_rows():
    """A 2002 Quyết định with accounting forms: its unlabelled Nơi nhận ('Công báo')
    and its form cells (`Cộng`, `X`, `Mọi đơn vị`) used to become tasks
    of the last assignee. Longer junk is still there (docs/obligations.md)."""
    text = (LM_CORPUS / "viparse-corpus" / "2002-0112qd.txt").read_text(encoding="utf-8")
    document = DocumentRecord("d", "2002-0112qd.txt", "txt", "text", 1, doc_type="Quyết định")
    texts = [row.text for row in extract_obligations(text, document) if row.kind == "task"]
    assert not {"Công báo", "Nhật ký chung.", "Cộng", "X", "Nợ : ..............", "Mọi đơn vị", "Nhà nước"} & set(texts)
    # the real obligations of its closing article stay
    assert any(t.startswith("Vụ trưởng Vụ Chế độ kế toán") and "chịu trách nhiệm" in t for t in texts)


def test_an_older_letters_noi_gui_list_ends_the_body():
    """The same Quyết định heads its distribution list `Nơi gửi:`: its units
    (`Các cơ quan đoàn thể TW`) are recipients, not tasks."""
    text = (LM_CORPUS / "viparse-corpus" / "2002-0112qd.txt").read_text(encoding="utf-8")
    document = DocumentRecord("d", "2002-0112qd.txt", "txt", "text", 1, doc_type="Quyết định")
    texts = [row.text for row in extract_obligations(text, document) if row.kind == "task"]
    assert not {"Các cơ quan đoàn thể TW", "Thủ tướng và các Phó Thủ tướng Chính phủ (để báo cáo)"} & set(texts)
