"""The tables honour the output contract: Parquet typed (date32, list<string>),
CSV in UTF-8 with a BOM and lists as JSON, both replaced atomically."""
from __future__ import annotations

import datetime as dt
import json

import pandas as pd
import pyarrow.parquet as pq
import pytest

from dondoc.models import DocumentRecord
from store import commit as store_commit
from store.tables import read_table, records_frame, stage_table


def _document(**changes) -> DocumentRecord:
    values = dict(doc_id="0adef7303f31ab3e", source_path="003_0adef7303f31ab3e.txt", source_format="txt",
                  text_source="text", pages=1, repairs=("nfc",), issuer="Ủy ban nhân dân tỉnh Kon Tum",
                  doc_type="Công văn", number="1923", symbol="UBND-NC", doc_number="1923/UBND-NC",
                  issue_date=dt.date(2022, 6, 21), issue_year=2022, place="Kon Tum",
                  addressees=("Công an tỉnh", "Cục Thuế tỉnh"), references=("4492/KH-UBND",))
    values.update(changes)
    return DocumentRecord(**values)


def test_parquet_types_follow_the_contract(tmp_path):
    staged = stage_table(records_frame([_document()], "documents"), "documents", tmp_path)
    store_commit.commit(tmp_path, staged)
    schema = pq.read_schema(tmp_path / "documents.parquet")
    assert str(schema.field("issue_date").type) == "date32[day]"
    assert str(schema.field("addressees").type) == "list<element: string>"
    assert str(schema.field("issue_year").type) == "int64"
    back = read_table(tmp_path, "documents")
    assert back.loc[0, "issue_date"] == dt.date(2022, 6, 21)
    assert back.loc[0, "addressees"] == ["Công an tỉnh", "Cục Thuế tỉnh"]


def test_csv_has_bom_and_json_lists(tmp_path):
    store_commit.commit(tmp_path, stage_table(records_frame([_document()], "documents"), "documents", tmp_path))
    raw = (tmp_path / "documents.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    text = raw.decode("utf-8-sig")
    assert json.dumps(["Công an tỉnh", "Cục Thuế tỉnh"], ensure_ascii=False).replace('"', '""') in text
    assert "2022-06-21" in text


def test_blank_draft_number_and_date_stay_null(tmp_path):
    draft = _document(number=None, doc_number=None, issue_date=None, issue_year=2023)
    store_commit.commit(tmp_path, stage_table(records_frame([draft], "documents"), "documents", tmp_path))
    back = read_table(tmp_path, "documents")
    assert back.loc[0, "number"] is None and back.loc[0, "issue_date"] is None
    assert back.loc[0, "issue_year"] == 2023


def test_a_missing_year_among_known_ones_is_written_as_null(tmp_path):
    frame = records_frame([_document(), _document(source_path="b.txt", issue_year=None)], "documents")
    store_commit.commit(tmp_path, stage_table(frame, "documents", tmp_path))
    years = read_table(tmp_path, "documents")["issue_year"]
    assert years.iloc[0] == 2022 and pd.isna(years.iloc[1])


def test_invalid_rows_are_refused_before_anything_is_written(tmp_path):
    bad = records_frame([_document(text_source="fax")], "documents")
    with pytest.raises(Exception, match="text_source"):
        stage_table(bad, "documents", tmp_path)
    assert not (tmp_path / "documents.parquet").exists()


def test_interrupted_commit_is_rolled_forward(tmp_path):
    """A crash after the journal is written: the next run finishes the swap (as after)."""
    (tmp_path / "documents.csv").write_text("old", encoding="utf-8")
    tmp = store_commit.staged_path(tmp_path / "documents.csv")
    tmp.write_text("new", encoding="utf-8")
    journal = tmp_path / store_commit.JOURNAL
    journal.parent.mkdir(exist_ok=True)
    journal.write_text(json.dumps([[str(tmp), str(tmp_path / "documents.csv")]]))
    assert store_commit.recover(tmp_path)
    assert (tmp_path / "documents.csv").read_text(encoding="utf-8") == "new"
    assert not journal.exists()


def test_crash_before_the_journal_leaves_the_old_tables(tmp_path):
    (tmp_path / "documents.csv").write_text("old", encoding="utf-8")
    store_commit.staged_path(tmp_path / "documents.csv").write_text("half", encoding="utf-8")
    assert not store_commit.recover(tmp_path)
    assert (tmp_path / "documents.csv").read_text(encoding="utf-8") == "old"
    assert list(tmp_path.glob("*.dondoc-tmp")) == []
