"""The spaCy gazetteer: agency names with their right boundary, cue phrases, table cells.

Sentences are from letters of corpus/lm (named by their id) and the seed letters.
"""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from extractors import gazetteer
from extractors.gazetteer import cell_agencies, find_agencies, find_cues, first_action, starts_with_agency

ROOT = Path(__file__).parents[2]


def names(text: str) -> list[str]:
    return [a.text for a in find_agencies(text)]


def test_the_pipeline_is_blank_vietnamese_without_pyvi() -> None:
    nlp, _, _ = gazetteer.pipeline()
    assert nlp.lang == "vi"
    assert nlp.pipe_names == []
    # Punctuation is split off syllables (spaCy's own tokenizer without pyvi would keep "vụ,").
    assert [t.text for t in nlp.make_doc("Sở Nội vụ, Sở Tài chính.")] == ["Sở", "Nội", "vụ", ",", "Sở", "Tài", "chính", "."]


def test_spacy_is_loaded_only_when_a_text_is_read() -> None:
    code = ("import sys; import extractors.assignees, extractors.obligations; "
            "assert 'spacy' not in sys.modules; "
            "extractors.assignees.find_assignees('Sở Nội vụ chủ trì'); assert 'spacy' in sys.modules")
    subprocess.run([sys.executable, "-c", code], cwd=ROOT, check=True)


def test_spans_index_the_original_text() -> None:
    text = "Giao Sở Tài chính chủ trì, phối hợp với UBND các huyện, thành phố thực hiện."
    for span in find_agencies(text) + find_cues(text):
        assert text[span.start:span.end] == span.text


def test_names_run_to_their_right_boundary() -> None:
    # 1923/UBND-NC: an abbreviation is a head; the action ends the name.
    assert names("UBND các huyện, thành phố chỉ đạo các phòng chuyên môn triển khai thực hiện.") == ["UBND các huyện, thành phố"]
    # 42/KH-UBND: "Chỉ đạo" with a capital is part of the name, "tổ chức" ends it.
    assert names("Ban Chỉ đạo Cải cách hành chính tỉnh tổ chức phát động Phong trào thi đua") == ["Ban Chỉ đạo Cải cách hành chính tỉnh"]
    # 7f6efa59099bb33b: a run-in heading; "Phối hợp" ends the name even with its capital.
    assert names("Cục Điện ảnh, Cục Du lịch Quốc gia Việt Nam Phối hợp với Vụ Pháp chế đưa nội dung") == [
        "Cục Điện ảnh", "Cục Du lịch Quốc gia Việt Nam", "Vụ Pháp chế"]
    # A head after a connector or inside an office-holder's title stays in the name.
    assert names("Thủ trưởng các cơ quan chuyên môn thuộc Ủy ban nhân dân tỉnh") == ["Thủ trưởng các cơ quan chuyên môn thuộc Ủy ban nhân dân tỉnh"]
    assert names("Văn phòng Ủy ban nhân dân tỉnh theo dõi") == ["Văn phòng Ủy ban nhân dân tỉnh"]
    # "Sở Văn hóa, Thể thao và Du lịch": a capital after the comma continues the name.
    assert names("Sở Văn hóa, Thể thao và Du lịch, Sở Y tế") == ["Sở Văn hóa, Thể thao và Du lịch", "Sở Y tế"]


def test_heads_are_matched_as_written_or_folded() -> None:
    assert starts_with_agency("Sở Nội vụ chủ trì") and starts_with_agency("SỞ Y tế") is False
    assert starts_with_agency("Bổ sung một số điều") is False  # "Bổ" is not "Bộ" when marks are there
    assert starts_with_agency("Bo Tu phap tong hop, bao cao")  # accent-less OCR text
    assert starts_with_agency("Ủy ban nhân dân tỉnh") and starts_with_agency("Uỷ ban nhân dân tỉnh")
    assert starts_with_agency("Tổ chức quán triệt sâu rộng") is False  # an action opening with "Tổ"
    assert starts_with_agency("Vụ việc về dân sự") is False


def test_first_action_skips_nouns_after_cac() -> None:
    text = "Ủy ban Mặt trận Tổ quốc Việt Nam và các tổ chức đoàn thể chính trị - xã hội tuyên truyền"
    assert text[first_action(text):].startswith("tuyên truyền")


def test_cue_phrases_in_order() -> None:
    text = "Sở Xây dựng chủ trì, phối hợp Trung tâm Chuyển đổi số Thành phố xây dựng, đề xuất trình Ủy ban nhân dân Thành phố"
    assert [(c.text, c.label) for c in find_cues(text)] == [("chủ trì", "LEAD"), ("phối hợp", "SUPPORT")]
    assert [c.label for c in find_cues("Đề nghị Ủy ban Mặt trận Tổ quốc Việt Nam")] == ["REQUEST"]


def test_the_lead_cell_of_a_task_table_row() -> None:
    # ke_hoach 31786b0833a4130d, Phụ lục row 2: Nội dung | Cơ quan chủ trì | Cơ quan phối hợp | Thời gian.
    row = ("Khảo sát, đánh giá thực trạng hạ tầng viễn thông, nhu cầu chuyển đổi số doanh nghiệp trong các khu "
           "công nghệ cao, khu công nghiệp, cụm công nghiệp Ban Quản lý các khu công nghệ cao và khu công nghiệp "
           "Sở Khoa học và Công nghệ, Sở Công Thương, Các doanh nghiệp viễn thông Quý IV/2025- Quý II/2026")
    assert [a.text for a in cell_agencies(row)] == ["Ban Quản lý các khu công nghệ cao và khu công nghiệp"]
    # A unit named inside the task text is an object, not a cell.
    assert cell_agencies("Định kỳ báo cáo kết quả thực hiện về Sở Nội vụ trước ngày 15/12 hằng năm") == []
    # ec00bd6f58be7864: a lead cell of several units joined by commas.
    row = "Rà soát hệ thống tiêu chuẩn, quy chuẩn kỹ thuật Bộ Xây dựng, Bộ Khoa học và Công nghệ Các địa phương 2026-2030"
    assert [a.text for a in cell_agencies(row)] == ["Bộ Xây dựng", "Bộ Khoa học và Công nghệ"]


def test_words_matched_only_as_written() -> None:
    # "đưa" ends a list of units ("phối hợp với Vụ Pháp chế đưa nội dung ..."), but folded
    # it is the "đua" of "Thi đua": those action words match only with their marks.
    assert names("Phòng Thi đua - Khen thưởng") == ["Phòng Thi đua - Khen thưởng"]
    assert names("Vụ Pháp chế đưa nội dung thực thi Phương án") == ["Vụ Pháp chế"]
    # "Năm" opens a table cell; "Nam" of "Việt Nam" stays in the name.
    assert names("Cục Du lịch Quốc gia Việt Nam Năm 2026") == ["Cục Du lịch Quốc gia Việt Nam"]
