"""Merge a run's results with what the last run stored, and commit it all at once.

The tables are rebuilt from (rows of unchanged files) + (rows of files read now);
rows of changed or removed files go away. The ledger is never touched here: its
statuses are joined into `tasks.status`.
"""
from __future__ import annotations

import datetime as dt
import json
from dataclasses import asdict
from pathlib import Path
from typing import Any, Callable, Iterable

import pandas as pd

from store import ledger
from store.commit import commit, discard, staged_path
from store.overdue import apply_as_of
from store.state import CITATIONS, INDEX, FileState, index_bytes, load_index, load_json_state
from store.tables import read_table, records_frame, stage_table

CrossReference = Callable[[pd.DataFrame, dict[str, list[dict]]], pd.DataFrame]


def write_run(out_dir: Path, plan: Any, results: Iterable[Any], as_of: dt.date,
              keep_raw_text: bool = True, cross_reference: CrossReference | None = None) -> dict:
    """Commit the tables for a run. `plan` has `unchanged` (source_path -> FileState) and
    `removed`; each result has `item`, `letter`, `text`, `citations`, `error`."""
    results = list(results)
    previous_docs = read_table(out_dir, "documents")
    previous_tasks = read_table(out_dir, "tasks")
    previous_errors = read_table(out_dir, "errors")
    citations = load_json_state(out_dir, CITATIONS)

    kept_ok = {p for p, s in plan.unchanged.items() if s.outcome == "ok"}
    kept_err = {p for p, s in plan.unchanged.items() if s.outcome == "error"}
    docs = previous_docs[previous_docs["source_path"].isin(kept_ok)]
    kept_doc_ids = set(docs["doc_id"])
    tasks = previous_tasks[previous_tasks["doc_id"].isin(kept_doc_ids)]
    errs = previous_errors[previous_errors["source_path"].isin(kept_err)]
    citations = {k: v for k, v in citations.items() if k in kept_doc_ids}

    index: dict[str, FileState] = dict(plan.unchanged)
    new_docs, new_tasks, new_errors, texts = [], [], [], {}
    for r in results:
        item = r.item
        if r.letter is None:
            new_errors.append(r.error)
            index[item.source_path] = FileState(item.size, item.mtime_ns, item.doc_id, "error")
            continue
        index[item.source_path] = FileState(item.size, item.mtime_ns, item.doc_id, "ok")
        new_docs.append(r.letter.document)
        new_tasks.extend({**asdict(t), "source_path": item.source_path} for t in r.letter.tasks)
        citations[item.doc_id] = list(r.citations)
        texts[item.doc_id] = r.text

    # Nothing read and nothing removed: documents, errors and citations are as stored.
    unchanged = not results and not plan.removed and (out_dir / "documents.parquet").exists()
    docs = pd.concat([docs, records_frame(new_docs, "documents")], ignore_index=True)
    if cross_reference is not None and not unchanged:
        docs = cross_reference(docs, citations)
    tasks = pd.concat([tasks, records_frame(new_tasks, "tasks")], ignore_index=True)
    tasks = tasks.drop_duplicates(subset=["doc_id", "task_id"], keep="last")
    statuses = {k: e.status for k, e in ledger.latest(out_dir).items()}
    tasks = apply_as_of(tasks, statuses, as_of)
    errs = pd.concat([errs, records_frame(new_errors, "errors")], ignore_index=True)
    docs = docs.sort_values("source_path", kind="stable")
    errs = errs.sort_values("source_path", kind="stable")

    staged: dict[Path, Path] = {}
    try:
        if unchanged:
            # Only what changed is rewritten: the as-of date or the ledger may move
            # overdue flags, and touched files update the index.
            if _as_of_changed(previous_tasks, tasks):
                staged.update(stage_table(tasks, "tasks", out_dir))
            if _differs(out_dir / INDEX, index_bytes(index)):
                staged.update(_stage_bytes(out_dir / INDEX, index_bytes(index)))
        else:
            _stage_all(staged, out_dir, docs, tasks, errs, index, citations, texts, keep_raw_text)
    except BaseException:
        discard(staged)
        raise
    if staged:
        commit(out_dir, staged)
    return {
        "documents": len(docs), "tasks": len(tasks), "overdue": int(tasks["overdue"].sum()),
        "errors": errs.to_dict("records"), "new_errors": new_errors,
    }


def _stage_all(staged, out_dir, docs, tasks, errs, index, citations, texts, keep_raw_text) -> None:
    staged.update(stage_table(docs, "documents", out_dir))
    staged.update(stage_table(tasks, "tasks", out_dir))
    staged.update(stage_table(errs, "errors", out_dir))
    staged.update(_stage_bytes(out_dir / INDEX, index_bytes(index)))
    staged.update(_stage_bytes(out_dir / CITATIONS,
                               json.dumps(citations, ensure_ascii=False, default=str).encode("utf-8")))
    for doc_id, text in texts.items():
        staged.update(_stage_bytes(out_dir / "text" / f"{doc_id}.txt", text.text.encode("utf-8")))
        if keep_raw_text and text.raw_text != text.text:
            staged.update(_stage_bytes(out_dir / "text" / f"{doc_id}.raw.txt", text.raw_text.encode("utf-8")))


def _as_of_changed(before: pd.DataFrame, after: pd.DataFrame) -> bool:
    columns = ["task_id", "status", "overdue", "next_due"]
    if len(before) != len(after):
        return True
    a = before[columns].astype(str).reset_index(drop=True)
    b = after[columns].astype(str).reset_index(drop=True)
    return not a.equals(b)


def _differs(path: Path, data: bytes) -> bool:
    return not path.exists() or path.read_bytes() != data


def _stage_bytes(final: Path, data: bytes) -> dict[Path, Path]:
    tmp = staged_path(final)
    tmp.write_bytes(data)
    return {final: tmp}


def recompute_overdue(out_dir: Path, as_of: dt.date) -> pd.DataFrame:
    """Re-apply the ledger and the as-of date to the stored tasks, without re-ingesting."""
    tasks = read_table(out_dir, "tasks")
    statuses = {k: e.status for k, e in ledger.latest(out_dir).items()}
    tasks = apply_as_of(tasks, statuses, as_of)
    commit(out_dir, stage_table(tasks, "tasks", out_dir))
    return tasks
