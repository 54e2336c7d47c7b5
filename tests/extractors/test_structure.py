"""Structure: reflowing hard-wrapped letters and numbering their parts into sections."""
from __future__ import annotations

from pathlib import Path

from extractors.structure import clean_lines, fold, marker_of, reflow, split_blocks, split_clauses

SEEDS = Path(__file__).parents[1] / "fixtures"


def test_fold_keeps_offsets() -> None:
    text = "Thời gian thi đua: Từ ngày 01 tháng 01 năm 2023 đến hết ngày 31 tháng 10 năm 2030."
    assert len(fold(text)) == len(text)
    assert fold("Đề nghị Ủy ban") == "De nghi Uy ban"


def test_markers_give_levels_and_labels() -> None:
    assert marker_of("III. TỔ CHỨC THỰC HIỆN")[:2] == (1, "III")
    assert marker_of("2. Sở Nội vụ")[:2] == (2, "2")
    assert marker_of("b) Nhiệm vụ")[:2] == (3, "b")
    assert marker_of("- Chủ trì, phối hợp")[:2] == (4, None)
    assert marker_of("+ Đơn vị hoàn thành tốt các nhiệm vụ")[:2] == (5, None)
    assert marker_of("Điều 3. Chánh Văn phòng Ủy ban nhân dân tỉnh")[:2] == (1.0, "Điều 3")
    assert marker_of("PHỤ LỤC")[:2] == (0.0, "Phụ lục")


def test_a_number_that_opens_a_wrapped_line_is_not_a_marker() -> None:
    assert marker_of("2022, Kế hoạch số 62/KH-UBND ngày 07 tháng 01 năm 2022")[0] is None
    assert marker_of("15 tháng 9 năm 2022 của Thủ tướng Chính phủ.")[0] is None


def test_reflow_joins_a_line_ending_in_a_function_word() -> None:
    lines = ["Triển khai Kế hoạch số 42/KH-UBND ngày 06 tháng 01 năm 2023 của", "Ủy ban nhân dân tỉnh về phát động Phong trào."]
    assert len(reflow(lines)) == 1


def test_reflow_joins_a_numbered_stub_wrapped_early() -> None:
    # 09/CT-UBND as copied from the web: "4. Sở Nông" / "nghiệp và Môi trường", "1. Vụ" / "Pháp chế".
    assert reflow(["1. Vụ", "Pháp chế", "- Tập trung hoàn thành."]) == ["1. Vụ Pháp chế", "- Tập trung hoàn thành."]


def test_footnotes_are_dropped() -> None:
    text = "- Cập nhật thủ tục.\n¹ Tại Thông báo số 650-TB/TU năm 2023 phấn đấu tăng 05 bậc.\n\n- Tiếp tục rà soát."
    assert not any("650-TB/TU" in line for line in clean_lines(text))


def test_seed_plan_sections_and_inherited_headings() -> None:
    blocks = split_blocks((SEEDS / "seeds" / "002_6f90c8334a2aae10.txt").read_text(encoding="utf-8"))
    by_text = {b.text[:30]: b for b in blocks}
    target = by_text["Trên 50% người dân, doanh nghi"]
    assert target.section == "II.3.a"
    assert target.headings[-1] == "Chỉ tiêu"
    chu_tri = next(b for b in blocks if b.section == "III.2" and b.text.startswith("Chủ trì"))
    assert "Sở Nội vụ" in chu_tri.headings


def test_addressee_list_and_signature_are_not_body() -> None:
    blocks = split_blocks((SEEDS / "seeds" / "003_0adef7303f31ab3e.txt").read_text(encoding="utf-8"))
    texts = [b.text for b in blocks]
    assert "Công an tỉnh;" not in texts
    assert not any(t.startswith("Thường trực Tỉnh ủy (b/c)") for t in texts)


def test_clauses_split_at_semicolons_and_sentences() -> None:
    text = "Tổ chức quán triệt; gửi về Sở Nội vụ trước ngày 10 tháng 7 năm 2022. Định kỳ báo cáo."
    assert len(split_clauses(text)) == 3
